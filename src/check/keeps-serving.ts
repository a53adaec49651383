/**
 * A fault that should not cost the primary its role (backup crash, client-link partition):
 * after `since`, the host never reports another role and no other host becomes primary.
 */
import type { History } from '../workload/history.ts';
import { at } from './format.ts';
import { roleEvents } from './ops.ts';
import type { Verdict } from './types.ts';

export function checkKeepsServing(history: History, opts: { host: string; since: number }): Verdict {
  const changes = roleEvents(history).filter(
    (e) => e.time >= opts.since && ((e.host === opts.host && e.role !== 'primary') || (e.host !== opts.host && e.role === 'primary')),
  );
  const figures = { host: opts.host, since: opts.since, roleChanges: changes.length };
  if (changes.length === 0) {
    return { checker: 'keeps-serving', ok: true, figures, summary: `host ${opts.host} stayed primary after the fault ${at(opts.since)} (no role change)` };
  }
  const first = changes[0]!;
  return {
    checker: 'keeps-serving', ok: false, category: 'Availability below target', figures,
    summary: `host ${opts.host} did not keep serving: host ${first.host} became ${first.role} ${at(first.time)}` +
      (changes.length > 1 ? ` (${changes.length} role changes in all)` : ''),
  };
}
