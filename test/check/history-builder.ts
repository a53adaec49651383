/** A small DSL to hand-build histories for the checker and report tests. */
import type { HistoryEvent, OpF, OpType } from '../../src/workload/history.ts';

type Done = Exclude<OpType, 'invoke'> | 'open';

export interface OpSpec {
  host?: string;
  outcome?: Done;
  error?: string;
}

export class HistoryBuilder {
  private events: { e: HistoryEvent; seq: number }[] = [];
  private seq = 0;

  private push(e: HistoryEvent): this {
    this.events.push({ e, seq: this.seq++ });
    return this;
  }

  private op(process: string, f: OpF, t0: number, t1: number, spec: OpSpec, inv: Record<string, unknown>, done: Record<string, unknown>): this {
    const outcome = spec.outcome ?? 'ok';
    const host = spec.host ?? 'a';
    this.push({ kind: 'op', type: 'invoke', process, f, host, time: t0, ...inv } as HistoryEvent);
    if (outcome !== 'open') {
      this.push({
        kind: 'op', type: outcome, process, f, host, time: t1,
        ...(outcome === 'ok' ? done : { error: spec.error ?? (outcome === 'fail' ? 'NOT_PRIMARY' : 'timeout') }),
        ...(f === 'write' ? { key: inv.key, value: inv.value } : { key: inv.key }),
      } as HistoryEvent);
    }
    return this;
  }

  write(process: string, key: string, value: number, t0: number, t1: number, spec: OpSpec = {}): this {
    return this.op(process, 'write', t0, t1, spec, { key, value }, {});
  }

  read(process: string, key: string, value: number | null, t0: number, t1: number, spec: OpSpec = {}): this {
    return this.op(process, 'read', t0, t1, spec, { key }, { value });
  }

  ping(process: string, ticks: number, t0: number, t1: number, spec: OpSpec = {}): this {
    return this.op(process, 'ping', t0, t1, spec, {}, { ticks });
  }

  /** a probe of `host` every `every` ms in [from, to), each taking `latency` ms; outcome by time */
  probe(host: string, from: number, to: number, every: number, outcome: (t: number) => Done, latency = 1): this {
    for (let t = from; t < to; t += every) {
      const o = outcome(t);
      this.ping(`probe:${host}`, Math.floor(t), t, t + latency, { host, outcome: o });
    }
    return this;
  }

  fault(id: number, fault: string, target: string, start: number, end?: number): this {
    this.push({ kind: 'fault', phase: 'start', fault, target, id, time: start });
    if (end !== undefined) this.push({ kind: 'fault', phase: 'end', fault, target, id, time: end });
    return this;
  }

  role(host: string, role: string, time: number): this {
    return this.push({ kind: 'role', host, role, time });
  }

  mark(label: string, time: number, detail?: Record<string, unknown>): this {
    return this.push(detail ? { kind: 'mark', label, time, detail } : { kind: 'mark', label, time });
  }

  /** a replication metrics sample of `pair`, as the harness records every 250 ms */
  metrics(pair: string, time: number, bytesReplicated: number, more: { checkpointsPerSecond?: number; lagMs?: number; lastCommittedEpoch?: number; protected?: boolean } = {}): this {
    return this.mark('metrics', time, { pair, bytesReplicated, checkpointsPerSecond: 40, lagMs: 5, lastCommittedEpoch: 0, protected: true, ...more });
  }

  /** events in time order (stable), as the recorder would have written them */
  build(): HistoryEvent[] {
    return [...this.events].sort((a, b) => a.e.time - b.e.time || a.seq - b.seq).map((x) => x.e);
  }
}

export const hist = () => new HistoryBuilder();

/** a crash of a at 1000; a answers until its probe at 990, b from its probe at 1400 (probes every 10 ms, 1 ms each): one 410 ms gap, 991 → 1401 */
export const crashProbes = () =>
  hist()
    .probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'))
    .probe('b', 0, 3000, 10, (t) => (t < 1400 ? 'fail' : 'ok'))
    .fault(1, 'crash', 'a', 1000);
