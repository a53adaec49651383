/**
 * Network faults on the links of a pair, as Toxiproxy toxics. Choices:
 * - partition = a `timeout` toxic with timeout 0 on each direction cut: bytes are dropped and
 *   connections stay open, as when packets are dropped (the case failure detectors find hard:
 *   silence, not a reset). Healing removes the toxic, which (as in the real Toxiproxy) closes
 *   the connections it cut; the hosts reconnect. A disabled proxy would instead refuse and
 *   reset connections at once: a crash of the link's far end, not a partition.
 * - latency / bandwidth = the toxics of the same names.
 * - stream damage: `slicer` (the stream cut into small writes), `reset_peer` (silence, then a
 *   TCP reset to both ends), `limit_data` (the connection closes after so many bytes).
 * Each call adds one group of toxics and returns its id; `remove(id)` takes exactly that group
 * away, `heal()` every group, and re-enables the pair's proxies. Nothing of another pair is
 * touched.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { LinkTarget } from '../harness/links.ts';

interface Applied {
  proxy: string;
  toxic: string;
}

export class NetworkFaults {
  private groups = new Map<number, Applied[]>();
  private seq = 0;

  constructor(private readonly toxiproxy: Toxiproxy, private readonly proxyNames: readonly string[]) {}

  /**
   * Cut the targets. With several phases, each phase is cut (all its targets at once) before
   * the next starts: e.g. a host's witness link before its other links, so that it cannot
   * tell the witness about the others' loss first.
   */
  partition(targets: readonly LinkTarget[], ...laterPhases: (readonly LinkTarget[])[]): Promise<number> {
    return this.add([targets, ...laterPhases], 'timeout', { timeout: 0 });
  }

  latency(targets: readonly LinkTarget[], latencyMs: number, jitterMs: number): Promise<number> {
    return this.add([targets], 'latency', { latency: Math.round(latencyMs), jitter: Math.round(jitterMs) });
  }

  bandwidth(targets: readonly LinkTarget[], rateKBps: number): Promise<number> {
    return this.add([targets], 'bandwidth', { rate: Math.max(1, Math.round(rateKBps)) });
  }

  /** cut the stream into slices of about `averageBytes` (± a quarter), `delayUs` apart */
  slice(targets: readonly LinkTarget[], averageBytes: number, delayUs = 0): Promise<number> {
    const average = Math.max(1, Math.round(averageBytes));
    return this.add([targets], 'slicer', { average_size: average, size_variation: Math.floor(average / 4), delay: Math.max(0, Math.round(delayUs)) });
  }

  /** drop the bytes from the first one on, and reset the connection `afterMs` later */
  resetPeer(targets: readonly LinkTarget[], afterMs: number): Promise<number> {
    return this.add([targets], 'reset_peer', { timeout: Math.max(0, Math.round(afterMs)) });
  }

  /** close each connection once `bytes` went through in that direction */
  limitData(targets: readonly LinkTarget[], bytes: number): Promise<number> {
    return this.add([targets], 'limit_data', { bytes: Math.max(0, Math.round(bytes)) });
  }

  /** take one group of toxics away */
  async remove(group: number): Promise<void> {
    const applied = this.groups.get(group) ?? [];
    this.groups.delete(group);
    // all at once: a partition heals in one moment, not link by link
    await Promise.all(applied.map(async (a) => {
      try {
        const proxy = await this.toxiproxy.get(a.proxy);
        const toxic = await proxy.getToxic(a.toxic);
        await toxic.remove();
      } catch {
        /* already gone (proxy removed or reset) */
      }
    }));
  }

  /** remove every toxic this object added and make sure every proxy of the pair is enabled */
  async heal(): Promise<void> {
    for (const group of [...this.groups.keys()]) await this.remove(group);
    for (const name of this.proxyNames) {
      try {
        const proxy = await this.toxiproxy.get(name);
        if (!proxy.enabled) await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      } catch {
        /* proxy gone */
      }
    }
  }

  get activeGroups(): number {
    return this.groups.size;
  }

  /** each phase's targets at once (a fault starts in one moment, not link by link), phases in order */
  private async add(phases: readonly (readonly LinkTarget[])[], type: string, attributes: Record<string, number>): Promise<number> {
    const group = ++this.seq;
    const applied: Applied[] = [];
    this.groups.set(group, applied);
    for (const targets of phases) {
      await Promise.all(targets.map(async (t) => {
        const proxy = await this.toxiproxy.get(t.proxy);
        const name = `ftchaos-${type}-${group}-${t.stream}`;
        await proxy.addToxic({ name, type: type as never, stream: t.stream, toxicity: 1, attributes: attributes as never });
        applied.push({ proxy: t.proxy, toxic: name });
      }));
    }
    return group;
  }
}
