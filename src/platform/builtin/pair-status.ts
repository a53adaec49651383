/**
 * The driver's view of the pair, derived (purely) from what each host process reported and
 * what the driver knows about the processes themselves (alive, hung).
 */
import type { Endpoint, HostName, PairStatus, Role } from '../types.ts';
import { HOST_NAMES } from '../types.ts';
import type { HostStatusReport } from './events.ts';

export interface HostView {
  name: HostName;
  pid: number | null;
  alive: boolean;
  hung: boolean;
  role: Role;
  /** monoMs() of the last role change */
  roleTime: number;
  report: HostStatusReport | null;
  /** monoMs() at which the host produced its last report */
  reportTime: number;
  clientEndpoint: Endpoint;
}

export interface Totals {
  /** bytes replicated by processes that are gone */
  bytesGone: number;
}

export function derivePairStatus(hosts: Record<HostName, HostView>, totals: Totals, now: number): PairStatus {
  const up = (h: HostView): boolean => h.alive && h.role !== 'down';
  const primaries = HOST_NAMES.map((n) => hosts[n]).filter((h) => up(h) && h.role === 'primary');
  primaries.sort((x, y) => Number(x.hung) - Number(y.hung) || y.roleTime - x.roleTime);
  const p = primaries[0] ?? null;
  const other = p ? hosts[p.name === 'a' ? 'b' : 'a'] : null;
  const b = other && up(other) && other.role === 'backup' ? other : null;
  const isProtected =
    !!p && !p.hung && !!b && !b.hung && !!p.report?.protected && p.report.role === 'primary' && !!b.report?.hasCheckpoint;
  const r = p?.report ?? null;
  let bytes = totals.bytesGone;
  for (const n of HOST_NAMES) if (hosts[n].alive) bytes += hosts[n].report?.bytesReplicated ?? 0;
  return {
    hosts: Object.fromEntries(
      HOST_NAMES.map((n) => {
        const h = hosts[n];
        return [n, { name: n, pid: h.alive ? h.pid : null, alive: h.alive, hung: h.hung, role: h.alive ? h.role : 'down', clientEndpoint: h.clientEndpoint }];
      }),
    ) as PairStatus['hosts'],
    primary: p?.name ?? null,
    backup: b?.name ?? null,
    protected: isProtected,
    lastCommittedEpoch: r?.committedEpoch ?? 0,
    // the age of the committed checkpoint when the primary last reported; while the primary is
    // down or hung, it keeps growing from there
    lagMs: r && r.committedCaptureTime > 0 ? Math.max(0, (p && !p.hung ? p.reportTime : now) - r.committedCaptureTime) : 0,
    checkpointsPerSecond: r?.checkpointsPerSecond ?? 0,
    bytesReplicated: bytes,
  };
}
