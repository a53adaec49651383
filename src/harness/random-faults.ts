/**
 * Plays a seeded fault schedule (src/faults/schedule.ts) against a pair, like Jepsen's
 * nemesis: one fault at a time, each healed / resumed / restarted when its time is up, and
 * the pair brought back to protected (a fenced old primary is restarted to rejoin) before the
 * next one, so that every fault hits a protected pair. Everything is in the history.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ScheduledFault } from '../faults/schedule.ts';
import type { PairUnderTest } from './pair.ts';

export interface RandomFaultOptions {
  /** how long to wait for the pair to be protected before a fault [15000] */
  protectTimeoutMs?: number;
}

export async function runFaultSchedule(pair: PairUnderTest, schedule: readonly ScheduledFault[], opts: RandomFaultOptions = {}): Promise<void> {
  const rec = pair.recorder;
  const kinds = new Set(schedule.map((f) => f.kind));
  // crashed and fenced hosts are restarted to re-protect: up front, not halfway through
  pair.need(...(kinds.has('crash') ? (['crash', 'restart'] as const) : []), ...(kinds.has('hang') ? (['hang', 'resume'] as const) : []));
  const protectTimeoutMs = opts.protectTimeoutMs ?? 15_000;
  const start = performance.now();
  rec.mark('random faults start', { pair: pair.name, schedule: schedule as unknown as Record<string, unknown>[] });
  try {
    for (const f of schedule) {
      const wait = start + f.at - performance.now();
      if (wait > 0) await delay(wait);
      await reprotect(pair, protectTimeoutMs);
      const protectedNow = pair.status().protected;
      if (!protectedNow) {
        rec.mark('fault skipped: pair not protected', { pair: pair.name, fault: f.kind, at: f.at });
        continue;
      }
      await play(pair, f);
    }
  } finally {
    await pair.linkFaults.healAll();
    rec.mark('random faults end', { pair: pair.name });
  }
  await reprotect(pair, protectTimeoutMs);
}

async function play(pair: PairUnderTest, f: ScheduledFault): Promise<void> {
  switch (f.kind) {
    case 'crash': {
      await pair.crash(f.target === 'backup' ? 'backup' : 'primary');
      await delay(f.durationMs);
      await pair.restartCrashed();
      return;
    }
    case 'hang':
      await pair.hang('primary', f.durationMs, (ms) => delay(ms));
      return;
    case 'partition': {
      const g = f.target === 'primary-isolation' ? await pair.linkFaults.isolatePrimary() : await pair.linkFaults.partitionReplication();
      await delay(f.durationMs);
      await pair.linkFaults.end(g);
      return;
    }
    case 'latency': {
      const latency = f.latencyMs ?? 50;
      const g = await pair.linkFaults.latencyOnReplication(latency, Math.round(latency / 10));
      await delay(f.durationMs);
      await pair.linkFaults.end(g);
      return;
    }
  }
}

/** bring the pair back to protected: a host that is fenced or down is restarted to rejoin */
async function reprotect(pair: PairUnderTest, timeoutMs: number): Promise<void> {
  const s = pair.status();
  if (s.protected) return;
  for (const h of ['a', 'b'] as const) {
    const role = s.hosts[h].role;
    if (s.primary && h !== s.primary && (role === 'fenced' || role === 'down')) {
      pair.recorder.mark('re-protect: restart host', { pair: pair.name, host: h, was: role });
      await pair.restartHost(h);
    }
  }
  await pair.platform.waitFor((x) => x.protected, timeoutMs, 'protected').catch(() => {
    pair.recorder.mark('not protected again in time', { pair: pair.name, timeoutMs });
  });
}
