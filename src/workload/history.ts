/**
 * The history: every client operation, probe, fault and role change of a scenario, in the
 * order it happened. Times are monotonic milliseconds since the scenario's start.
 * Written as ndjson while the scenario runs (see recorder.ts); read back by src/check.
 */

/** invoke: the op was sent. ok / fail: definite outcome. info: indeterminate (timeout, connection lost). */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/**
 * write: SET key value; read: GET key; ping: PING (ticks back).
 * The register workload (shared keys, checked for linearizability) has its own three, so the
 * set workload's checkers never mistake a shared key for one of theirs:
 * reg-write: SET key value; reg-read: GET key; reg-cas: CAS key expect value (ok = swapped,
 * fail = the key did not hold `expect`, nothing changed).
 */
export type OpF = 'write' | 'read' | 'ping' | 'reg-write' | 'reg-read' | 'reg-cas';

/** the error of a reg-cas fail whose key did not hold `expect`: the serving host answered it (not a refusal) */
export const CAS_NOMATCH = 'NOMATCH';

export interface OpEvent {
  kind: 'op';
  type: OpType;
  /** who did it: a client ("c0".."c7"), a probe of one host ("probe:a"), or "final" reads */
  process: string;
  f: OpF;
  key?: string;
  /** write: the value written (on invoke and its completion); read: the value read (on ok), null for NIL */
  value?: number | null;
  /** reg-cas: the value the key must hold for the swap to happen */
  expect?: number | null;
  /** ping: the guest tick counter returned */
  ticks?: number;
  /** host that was addressed */
  host?: string;
  /** fail/info: why */
  error?: string;
  /** the pair under test it belongs to (absent: scenario-wide, or a history from before pairs were named) */
  pair?: string;
  time: number;
}

export interface FaultEvent {
  kind: 'fault';
  phase: 'start' | 'end';
  /** crash | hang | restart | partition | latency | bandwidth | flap | ... */
  fault: string;
  /** e.g. "a", "b", "replication" */
  target: string;
  /** pairs start and end of one fault window */
  id: number;
  detail?: Record<string, unknown>;
  /** the pair it hits (absent: scenario-wide, e.g. a shared network limit) */
  pair?: string;
  time: number;
}

export interface RoleEvent {
  kind: 'role';
  host: string;
  role: string;
  epoch?: number;
  pair?: string;
  time: number;
}

/** Anything else worth a line in the timeline: scenario phases, protection changes. */
export interface MarkEvent {
  kind: 'mark';
  label: string;
  detail?: Record<string, unknown>;
  pair?: string;
  time: number;
}

export type HistoryEvent = OpEvent | FaultEvent | RoleEvent | MarkEvent;
export type History = readonly HistoryEvent[];
