/**
 * The driver interface the harness programs against. The builtin reference platform
 * implements it; external FT platforms will through their own drivers.
 *
 * Addresses: every link a pair uses is given explicitly so that the harness can route each
 * one through its own Toxiproxy proxy. A host *listens* on its `client` and `replication`
 * endpoints and *dials* its peer and the witness at `dialPeer` / `dialWitness` (a proxy, or
 * the peer's own listener when no proxy is wanted).
 */

export interface Endpoint {
  host: string;
  port: number;
}

/** Host names of a pair. The builtin platform starts `a` as primary and `b` as backup. */
export type HostName = 'a' | 'b';
export const HOST_NAMES: readonly HostName[] = ['a', 'b'];

export interface HostLinks {
  /** where this host listens for clients (the guest protocol over TCP) */
  client: Endpoint;
  /** where this host listens for its peer's replication stream / heartbeats */
  replication: Endpoint;
  /** the address this host dials to reach its peer's replication listener */
  dialPeer: Endpoint;
  /** the address this host dials to reach the witness */
  dialWitness: Endpoint;
}

export interface PairLayout {
  /** where the witness (lease service) listens */
  witness: Endpoint;
  hosts: Record<HostName, HostLinks>;
}

export type CheckpointMode = 'checkpoint' | 'event';
export type FencingMode = 'witness' | 'none';

export interface PlatformOptions {
  /** epoch length of checkpoint mode [25] */
  checkpointIntervalMs: number;
  /** 'checkpoint' (timer, Remus) or 'event' (Kemari: before each burst of output) ['checkpoint'] */
  mode: CheckpointMode;
  /** hold guest output until the backup acknowledged its epoch [true] */
  outputCommit: boolean;
  /** 'witness' (lease; only the holder serves) or 'none' (unsafe) ['witness'] */
  fencing: FencingMode;
  /** heartbeat period on the replication link [10] */
  heartbeatIntervalMs: number;
  /** silence on the replication link after which the backup asks the witness to go live [200] */
  failoverTimeoutMs: number;
  /**
   * how long a lease the witness grants lasts without renewal [500]: a primary that cannot
   * renew for this long (a hang, a cut witness link, a stall) stops serving, and only then may
   * the backup take over — unless the primary's connection to the witness closed (a crash)
   */
  leaseTtlMs: number;
  /** guest RAM [16] */
  memoryMiB: number;
}

export type Role =
  | 'starting'   // process up, VM not yet running or state not yet received
  | 'primary'    // runs the VM and serves clients (holds the lease under witness fencing)
  | 'backup'     // receives checkpoints, does not serve
  | 'fenced'     // was primary, lost its lease: does not serve
  | 'down';      // process not running (crashed or stopped by the harness)

export interface HostStatus {
  name: HostName;
  pid: number | null;
  alive: boolean;
  /** SIGSTOPped by the harness */
  hung: boolean;
  role: Role;
  /** client endpoint clients should use for this host (proxy address when proxied) */
  clientEndpoint: Endpoint;
}

export interface PairStatus {
  hosts: Record<HostName, HostStatus>;
  primary: HostName | null;
  backup: HostName | null;
  /** a primary is serving and a backup holds a complete, current checkpoint */
  protected: boolean;
  lastCommittedEpoch: number;
  /** age of the backup's last complete checkpoint, ms */
  lagMs: number;
  checkpointsPerSecond: number;
  bytesReplicated: number;
}

/** What a platform reports while it runs; the harness puts these into the history. */
export type PlatformEvent =
  | { type: 'role'; host: HostName; role: Role; epoch?: number; time: number }
  | { type: 'protected'; protected: boolean; time: number }
  /** event-loop health of a platform process over the last window (see src/platform/loop-monitor.ts) */
  | { type: 'loop'; host: HostName | 'witness'; thread?: 'emulator'; p50Ms: number; p99Ms: number; maxMs: number; stalls: number; windowMs: number; time: number }
  | { type: 'log'; host: HostName | 'witness' | 'platform'; line: string; time: number }
  /** the primary `host` started a full state transfer to its backup (re-protection) */
  | { type: 'transfer'; host: HostName; epoch?: number; bytes?: number; time: number };

export interface FtPlatform {
  readonly name: string;
  /** start witness + both hosts; resolves once the pair is protected (or rejects with why) */
  start(): Promise<void>;
  status(): PairStatus;
  /** resolves when the predicate holds for the status, rejects after timeoutMs */
  waitFor(pred: (s: PairStatus) => boolean, timeoutMs: number, what: string): Promise<PairStatus>;
  clientEndpoints(): Record<HostName, Endpoint>;
  /** SIGKILL the host process: a real host crash */
  crash(host: HostName): Promise<void>;
  /** SIGSTOP the host process: a real hang */
  hang(host: HostName): Promise<void>;
  /** SIGCONT a hung host */
  resume(host: HostName): Promise<void>;
  /** start a fresh process for a crashed host; it rejoins as backup (full transfer, then deltas) */
  restart(host: HostName): Promise<void>;
  on(listener: (e: PlatformEvent) => void): () => void;
  /** paths of the log files (host structured logs, guest serial consoles, witness) */
  logFiles(): Record<string, string>;
  /** stop and reap every process; idempotent, never throws */
  stop(): Promise<void>;
  /**
   * Whether the platform can do an optional thing (an external driver declares what it can;
   * absent: everything above). A step that needs what a platform cannot do fails saying so.
   */
  can?(what: PlatformAbility): boolean;
  /** SIGKILL the witness process (optional: `can('crash-witness')`) */
  crashWitness?(): Promise<void>;
  /** start a fresh witness on the same address after crashWitness (optional: `can('restart-witness')`) */
  restartWitness?(): Promise<void>;
  /** links the platform faults itself instead of the harness's proxies (absent: none) */
  ownLinks?(): readonly LinkKind[];
  /** cut (silently drop every byte of) one of its own links, both ways or one */
  cutLink?(cut: LinkCut): Promise<void>;
  /** heal a cut made with cutLink */
  healLink?(cut: LinkCut): Promise<void>;
}

export type PlatformAbility = 'crash' | 'hang' | 'resume' | 'restart' | 'logs' | 'crash-witness' | 'restart-witness' | 'report-transfers';

/** what a step says a platform cannot do: "platform X cannot <this>" */
export const ABILITY_TEXT: Record<PlatformAbility, string> = {
  crash: 'crash a host',
  hang: 'hang a host',
  resume: 'resume a hung host',
  restart: 'restart a host',
  logs: 'list its log files',
  'crash-witness': 'crash the witness',
  'restart-witness': 'restart the witness',
  'report-transfers': "report when a full state transfer starts (the 'transfer' event)",
};

/** abilities that need a method an FtPlatform may lack: absent method = cannot */
export const ABILITY_METHOD: Partial<Record<PlatformAbility, keyof FtPlatform>> = {
  'crash-witness': 'crashWitness',
  'restart-witness': 'restartWitness',
};

/** the three kinds of link a pair has (each host has one of each) */
export type LinkKind = 'client' | 'replication' | 'witness';

/**
 * One cut of a link the platform owns. `host`: the link's end at that host (client: clients ->
 * host; replication: host -> peer; witness: host -> witness). `direction`: 'both', or only the
 * bytes that `host` sends ('from-host') or receives ('to-host').
 */
export interface LinkCut {
  link: LinkKind;
  host: HostName;
  direction: 'both' | 'from-host' | 'to-host';
}

/** "platform X cannot <do Y>": a step needed something the platform does not offer */
export class PlatformCannotError extends Error {
  override name = 'PlatformCannotError';
}

/** monotonic milliseconds, comparable across processes on one machine (CLOCK_MONOTONIC) */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
