/**
 * Fault phases: every timed fault first waits a random part of a checkpoint interval, so that
 * faults are not phase-locked to checkpoints (a step that waits whole seconds after the pair
 * became protected would otherwise always strike at the same moment of an epoch, right after
 * a checkpoint). Seeded: the same seed and pair give the same phases, fault after fault.
 * Pure: no clock, no I/O.
 */
import { prng } from './schedule.ts';

export interface FaultPhase {
  /** how long the fault waited before it struck, ms, in [0, epochMs) */
  phaseMs: number;
  /** the checkpoint interval the phase is a part of, ms */
  epochMs: number;
}

/** a 32-bit seed for one stream of draws: the run's seed mixed with a name (FNV-1a) */
export function mixSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  const add = (byte: number) => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let i = 0; i < 4; i++) add((seed >>> 0) >>> (8 * i));
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    for (let i = 0; i < 4; i++) add(c >>> (8 * i));
  }
  return h >>> 0;
}

/** one phase in [0, epochMs) from a draw in [0, 1), to a tenth of a millisecond */
export function phaseOf(draw: number, epochMs: number): FaultPhase {
  if (!(epochMs > 0)) throw new Error(`a fault phase needs a checkpoint interval > 0 ms, not ${epochMs}`);
  const phaseMs = Math.min(Math.floor(draw * epochMs * 10) / 10, Math.max(0, epochMs - 0.1));
  return { phaseMs, epochMs };
}

/** the phases of one pair's faults, in order */
export class FaultPhases {
  private readonly rnd: () => number;

  constructor(seed: number, pair: string) {
    this.rnd = prng(mixSeed(seed, `phase:${pair}`));
  }

  next(epochMs: number): FaultPhase {
    return phaseOf(this.rnd(), epochMs);
  }
}
