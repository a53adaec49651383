/**
 * Plays a seeded fault schedule (src/faults/schedule.ts) against a pair, like Jepsen's
 * nemesis: one fault at a time, each healed / resumed / restarted when its time is up, and
 * the pair brought back to protected (a fenced old primary is restarted to rejoin) before the
 * next one, so that every fault hits a protected pair. Everything is in the history.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultKind, ScheduledFault } from '../faults/schedule.ts';
import type { PlatformAbility } from '../platform/types.ts';
import type { PairUnderTest } from './pair.ts';

/** what the platform must be able to do for each kind (checked before the first fault) */
const NEEDS: Partial<Record<FaultKind, PlatformAbility[]>> = {
  crash: ['crash', 'restart'],
  hang: ['hang', 'resume'],
  'backup-hang': ['hang', 'resume'],
  'witness-crash': ['crash-witness', 'restart-witness'],
  'transfer-crash': ['crash', 'restart', 'report-transfers'],
  'slow-crash': ['crash', 'restart'],
};

/** how long a transfer-crash waits for the re-protection's full state transfer to start */
const TRANSFER_WAIT_MS = 30_000;

export interface RandomFaultOptions {
  /** how long to wait for the pair to be protected before a fault [15000] */
  protectTimeoutMs?: number;
}

export async function runFaultSchedule(pair: PairUnderTest, schedule: readonly ScheduledFault[], opts: RandomFaultOptions = {}): Promise<void> {
  const rec = pair.recorder;
  const kinds = new Set(schedule.map((f) => f.kind));
  // crashed and fenced hosts are restarted to re-protect: up front, not halfway through
  pair.need(...[...kinds].flatMap((k) => NEEDS[k] ?? []));
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
      await pair.strike(() => play(pair, f), f.phaseMs);
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
    case 'backup-hang':
      await pair.hang('backup', f.durationMs, (ms) => delay(ms));
      return;
    case 'witness-crash':
      await pair.crashWitness();
      await delay(f.durationMs);
      await pair.restartWitness();
      return;
    case 'witness-partition': {
      const from = f.target === 'witness-backup' ? 'backup' : f.target === 'witness-both' ? 'both' : 'primary';
      const g = await pair.linkFaults.partitionWitness(from);
      await delay(f.durationMs);
      await pair.linkFaults.end(g);
      return;
    }
    case 'one-way': {
      const g = await pair.linkFaults.partitionReplicationBackupToPrimary();
      await delay(f.durationMs);
      await pair.linkFaults.end(g);
      return;
    }
    case 'stream-damage': {
      const lf = pair.linkFaults;
      if (f.target === 'reset') {
        // a one-shot reset: the toxic goes once it fired, so that the reconnection is not reset too
        const afterMs = Math.min(100, Math.round(f.durationMs / 4));
        const g = await lf.resetReplication(afterMs);
        await delay(afterMs + RESET_MARGIN_MS);
        await lf.end(g);
        return;
      }
      const g = f.target === 'limit' ? await lf.limitReplication(f.sizeBytes ?? 256_000) : await lf.sliceReplication(f.sizeBytes ?? 16);
      await delay(f.durationMs);
      await lf.end(g);
      return;
    }
    case 'transfer-crash': {
      // the backup dies, comes back, and dies again while its full state is on the wire
      await pair.crash('backup');
      await pair.restartCrashed();
      await pair.crashDuringTransfer('backup', TRANSFER_WAIT_MS);
      await delay(f.durationMs);
      await pair.restartCrashed();
      return;
    }
    case 'slow-crash': {
      // the primary dies with an epoch in flight on a slow link
      const latency = f.latencyMs ?? 50;
      const g = await pair.linkFaults.latencyOnReplication(latency, Math.round(latency / 10));
      await delay(Math.max(2 * latency, Math.round(f.durationMs / 3)));
      await pair.crash('primary');
      await pair.linkFaults.end(g);
      await delay(Math.round(f.durationMs / 3));
      await pair.restartCrashed();
      return;
    }
  }
}

/** a reset_peer toxic is taken away this long after it was due to fire */
export const RESET_MARGIN_MS = 40;

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
