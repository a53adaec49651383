/**
 * The planted-bug catalogue: switches that make the builtin platform commit a known
 * fault-tolerance mistake, so that the harness can show which bugs its scenarios and checkers
 * catch (`npm run bugs`, docs/bugs.md). Every switch is OFF unless a run selects one — the world
 * parameter `plantedBug`, the environment variable FTCHAOS_PLANTED_BUG, or a scenario tag
 * `@planted-bug:<name>` — and no step or table row sets it. A run with a bug planted says so in
 * the report's environment.
 *
 * The switch reaches the hosts inside their platform options (`plantedBug`); each planting is a
 * minimal change at the one place the mistake would be made, marked `planted(...)` in the code.
 */
import type { Category } from '../../check/types.ts';

export interface PlantedBug {
  /** the switch's name (kebab-case) */
  name: string;
  /** what the planted code does, in one line */
  does: string;
  /** the FT bug pattern it models */
  pattern: string;
  /** the failure category a good scenario + checker should report it in */
  category: Category;
}

export const PLANTED_BUGS = [
  {
    name: 'early-release',
    does: "the output gate releases an epoch's replies when the epoch before it is acknowledged (h.epoch <= acked + 1)",
    pattern: 'reply released before the backup acknowledged its epoch (output commit off by one)',
    category: 'State loss',
  },
  {
    name: 'ack-before-apply',
    does: 'the backup acknowledges each delta on receipt but applies it only when the next one arrives; a takeover drops the unapplied one',
    pattern: 'failover resumes from the epoch before the last committed one',
    category: 'State loss',
  },
  {
    name: 'takeover-without-lease',
    does: 'the backup goes live on silence without the witness granting the lease, and serves while it asks for it',
    pattern: 'backup goes live without the lease (its own failure detector is trusted)',
    category: 'Split brain',
  },
  {
    name: 'fenced-reads',
    does: 'a fenced primary (lease lapsed, not yet deposed) still answers GET from its guest; PING and writes are refused',
    pattern: 'a fenced primary keeps serving reads (stale reads)',
    category: 'Not linearizable',
  },
  {
    name: 'first-delta-dropped',
    does: 'the backup applies the first delta after each full state without its RAM pages (device state only) and acknowledges it',
    pattern: 'a delta lost on (re-)protection: the backup holds a checkpoint with holes',
    category: 'State loss',
  },
  {
    name: 'renewals-while-hung',
    does: "a sidecar process renews the primary's lease, and keeps renewing while the host process is stopped",
    pattern: 'heartbeats / lease renewals continue while the VM is stopped (liveness of the wrong thing)',
    category: 'Slow failover',
  },
  {
    name: 'flush-on-deposed',
    does: 'a deposed primary sends its held (unacknowledged) replies before it disconnects its clients',
    pattern: 'output of an uncommitted epoch released on failover',
    category: 'State loss',
  },
  {
    name: 'epoch-reset',
    does: 'the primary numbers epochs from 0 again in every replication session, while its output gate keeps the acks of the previous one',
    pattern: 'epoch numbers reused after a restart (a stale ack releases new output)',
    category: 'State loss',
  },
  {
    name: 'stale-standby',
    does: 'a primary that lost its backup releases held output without clearing the standby at the witness',
    pattern: 'a stale backup stays eligible to take over (output released unprotected before fencing the standby)',
    category: 'State loss',
  },
  {
    name: 'dirty-cleared-late',
    does: "the primary's delta capture collects the dirty pages but clears their dirty bits only after the guest ran on",
    pattern: 'pages written during capture missed by dirty tracking (copy and clear not atomic)',
    category: 'State loss',
  },
] as const satisfies readonly PlantedBug[];

export type PlantedBugName = (typeof PLANTED_BUGS)[number]['name'];

export const PLANTED_BUG_NAMES: readonly PlantedBugName[] = PLANTED_BUGS.map((b) => b.name);

export class PlantedBugError extends Error {
  override name = 'PlantedBugError';
}

export function isPlantedBugName(v: unknown): v is PlantedBugName {
  return typeof v === 'string' && (PLANTED_BUG_NAMES as readonly string[]).includes(v);
}

/** the catalogue entry of `name`; throws PlantedBugError naming the value and every known bug */
export function plantedBug(name: unknown, where = 'planted bug'): PlantedBug {
  if (!isPlantedBugName(name)) {
    throw new PlantedBugError(`${where} ${JSON.stringify(name)} is not in the catalogue: use one of ${PLANTED_BUG_NAMES.join(', ')} (src/platform/builtin/bugs.ts)`);
  }
  return PLANTED_BUGS.find((b) => b.name === name)!;
}

/** is `name` planted in these options (the hosts' check at each planting) */
export function planted(opts: { plantedBug?: string }, name: PlantedBugName): boolean {
  return opts.plantedBug === name;
}

/** the scenario tag that plants a bug for one scenario (self-tests) */
export const PLANTED_BUG_TAG = '@planted-bug:';

/**
 * The bug a run or scenario plants: a `@planted-bug:<name>` tag wins, then the world parameter,
 * then FTCHAOS_PLANTED_BUG; undefined when none (an empty value counts as none). Validated.
 */
export function selectPlantedBug(sources: { tags?: readonly string[]; worldParameter?: unknown; env?: string | undefined }): PlantedBugName | undefined {
  const tag = sources.tags?.find((t) => t.startsWith(PLANTED_BUG_TAG));
  if (tag !== undefined) return plantedBug(tag.slice(PLANTED_BUG_TAG.length), `scenario tag ${tag}: planted bug`).name as PlantedBugName;
  if (sources.worldParameter !== undefined && sources.worldParameter !== '') {
    return plantedBug(sources.worldParameter, 'world parameter plantedBug =').name as PlantedBugName;
  }
  if (sources.env) return plantedBug(sources.env, 'FTCHAOS_PLANTED_BUG =').name as PlantedBugName;
  return undefined;
}
