/**
 * Network faults on the links of a pair, as Toxiproxy toxics. Choices:
 * - partition = a `timeout` toxic with timeout 0 on each direction cut: bytes stop and are held,
 *   connections stay open, as when packets are dropped (the case failure detectors find hard:
 *   silence, not a reset). Healing releases what was held, as TCP retransmission would.
 * - latency / bandwidth = the toxics of the same names.
 * Every toxic added is remembered so that `heal` removes exactly those and re-enables the
 * pair's proxies; nothing of another pair is touched.
 */
import type Toxiproxy from 'toxiproxy-node-client';
import type { LinkTarget } from '../harness/links.ts';

interface Applied {
  proxy: string;
  toxic: string;
}

export class NetworkFaults {
  private applied: Applied[] = [];
  private seq = 0;

  constructor(private readonly toxiproxy: Toxiproxy, private readonly proxyNames: readonly string[]) {}

  async partition(targets: readonly LinkTarget[]): Promise<void> {
    await this.addAll(targets, 'timeout', { timeout: 0 });
  }

  async latency(targets: readonly LinkTarget[], latencyMs: number, jitterMs: number): Promise<void> {
    await this.addAll(targets, 'latency', { latency: Math.round(latencyMs), jitter: Math.round(jitterMs) });
  }

  async bandwidth(targets: readonly LinkTarget[], rateKBps: number): Promise<void> {
    await this.addAll(targets, 'bandwidth', { rate: Math.round(rateKBps) });
  }

  /** remove every toxic this object added and make sure every proxy of the pair is enabled */
  async heal(): Promise<void> {
    const applied = this.applied;
    this.applied = [];
    for (const a of applied) {
      try {
        const proxy = await this.toxiproxy.get(a.proxy);
        const toxic = await proxy.getToxic(a.toxic);
        await toxic.remove();
      } catch {
        /* already gone (proxy removed or reset) */
      }
    }
    for (const name of this.proxyNames) {
      try {
        const proxy = await this.toxiproxy.get(name);
        if (!proxy.enabled) await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      } catch {
        /* proxy gone */
      }
    }
  }

  get active(): number {
    return this.applied.length;
  }

  private async addAll(targets: readonly LinkTarget[], type: string, attributes: Record<string, number>): Promise<void> {
    const id = ++this.seq;
    for (const t of targets) {
      const proxy = await this.toxiproxy.get(t.proxy);
      const name = `ftchaos-${type}-${id}-${t.stream}`;
      await proxy.addToxic({ name, type: type as never, stream: t.stream, toxicity: 1, attributes: attributes as never });
      this.applied.push({ proxy: t.proxy, toxic: name });
    }
  }
}
