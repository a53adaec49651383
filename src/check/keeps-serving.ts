/**
 * A fault that should not cause a failover (backup crash, client-link partition): after
 * `since`, no other host becomes primary and the host is primary again by the end. A brief
 * self-fence of the same host (its lease lapsed in a stall and was renewed, no one else took
 * over) is not a failover: it is counted and reported, and the outage check judges its cost.
 */
import type { History } from '../workload/history.ts';
import { at } from './format.ts';
import { roleEvents } from './ops.ts';
import type { Verdict } from './types.ts';

export function checkKeepsServing(history: History, opts: { host: string; since: number }): Verdict {
  const after = roleEvents(history).filter((e) => e.time >= opts.since);
  const takeovers = after.filter((e) => e.host !== opts.host && e.role === 'primary');
  const own = after.filter((e) => e.host === opts.host);
  const lapses = own.filter((e) => e.role !== 'primary').length;
  const last = own.at(-1);
  const endsPrimary = !last || last.role === 'primary';
  const figures = { host: opts.host, since: opts.since, takeovers: takeovers.length, selfFences: lapses, endsPrimary };
  if (takeovers.length === 0 && endsPrimary) {
    const blips = lapses ? ` (${lapses} brief lapse${lapses > 1 ? 's' : ''} of its own role, regained without a failover)` : ' (no role change)';
    return { checker: 'keeps-serving', ok: true, figures, summary: `host ${opts.host} stayed primary after the fault ${at(opts.since)}${blips}` };
  }
  const why = takeovers.length
    ? `host ${takeovers[0]!.host} became primary ${at(takeovers[0]!.time)}`
    : `host ${opts.host} ended ${last!.role} (${at(last!.time)})`;
  return {
    checker: 'keeps-serving', ok: false, category: 'Availability below target', figures,
    summary: `host ${opts.host} did not keep serving: ${why}`,
  };
}
