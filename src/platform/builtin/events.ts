/**
 * The host -> driver (and witness -> driver) event channel: one JSON object per line on the
 * child's stdout, every one stamped with monoMs(). Nothing else may write to a child's stdout
 * (host-main redirects console.* to the log file); the reader skips anything that is not an
 * event object.
 */
import type { Role } from '../types.ts';
import { monoMs } from '../types.ts';
import type { LoopStats } from '../loop-monitor.ts';

export interface HostStatusReport {
  role: Role;
  /** primary: a backup holds a complete checkpoint and (witness fencing) is registered as standby */
  protected: boolean;
  /** backup: holds a complete checkpoint */
  hasCheckpoint: boolean;
  /** primary: last epoch the backup acknowledged; backup: last complete epoch it holds */
  committedEpoch: number;
  /** monoMs() at which the committed epoch was captured on the primary (0 = none) */
  committedCaptureTime: number;
  /** checkpoints sent per second over the last second (primary) */
  checkpointsPerSecond: number;
  /** checkpoints sent by this process */
  checkpoints: number;
  /** replication bytes sent (primary) by this process */
  bytesReplicated: number;
  /** bytes of the last delta frame */
  lastDeltaBytes: number;
  /** the emulator is warmed up (a failover will not pay for compiling v86) */
  warm: boolean;
  /** the lease is currently valid (witness fencing; always true for fencing none when primary) */
  leaseValid: boolean;
}

export type HostEvent =
  | { t: 'hello'; pid: number; incarnation: string; time: number }
  | { t: 'listening'; time: number }
  | { t: 'role'; role: Role; epoch: number; term?: number; time: number }
  | ({ t: 'status'; time: number } & HostStatusReport)
  | { t: 'log'; msg: string; time: number }
  /** a full state transfer went on the wire to the backup (re-protection); in flight until protected */
  | { t: 'transfer'; epoch: number; bytes: number; time: number }
  | ({ t: 'loop'; time: number; thread?: 'emulator' } & LoopStats)
  | { t: 'fatal'; msg: string; time: number };

export type WitnessEvent =
  | { t: 'ready'; pid: number; time: number }
  | { t: 'lease'; holder: string | null; term: number; standby: string | null; time: number }
  | ({ t: 'loop'; time: number } & LoopStats)
  | { t: 'log'; msg: string; time: number };

type Dist<T> = T extends unknown ? Omit<T, 'time'> : never;

/** Write one event line to stdout (synchronously enough: stdout is a pipe). */
export function emit<E extends { time: number }>(e: Dist<E>): void {
  const line = JSON.stringify({ ...e, time: Math.round(monoMs() * 1000) / 1000 }) + '\n';
  try {
    process.stdout.write(line);
  } catch {
    /* the driver is gone; stdin close will end us */
  }
}

export function emitHost(e: Dist<HostEvent>): void {
  emit<HostEvent>(e);
}

export function emitWitness(e: Dist<WitnessEvent>): void {
  emit<WitnessEvent>(e);
}

/** Parse one stdout line; returns null for anything that is not an event object. */
export function parseEvent<E extends { t: string }>(line: string): E | null {
  const s = line.trim();
  if (!s.startsWith('{')) return null;
  try {
    const v = JSON.parse(s) as unknown;
    if (v && typeof v === 'object' && typeof (v as { t?: unknown }).t === 'string') return v as E;
  } catch {
    /* not ours */
  }
  return null;
}
