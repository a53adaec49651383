/**
 * The toxic types the server knows: their attributes (in the real server's JSON order,
 * all integers defaulting to 0) and the stage that applies each one to a connection.
 * shared_bandwidth is an extension of this server (its `group` is a string, default '').
 */
import { BandwidthStage } from './bandwidth.ts';
import { LatencyStage } from './latency.ts';
import { LimitDataStage } from './limit-data.ts';
import { NoopStage } from './noop.ts';
import { ResetPeerStage } from './reset-peer.ts';
import { SharedBandwidthStage } from './shared-bandwidth.ts';
import { SlicerStage } from './slicer.ts';
import { SlowCloseStage } from './slow-close.ts';
import { TimeoutStage } from './timeout.ts';
import type { StageFactory } from './types.ts';

export interface ToxicKind {
  /** The Go struct name, used in decode error messages. */
  goType: string;
  /** Attribute names in output order, each with its Go type. */
  attributes: Record<string, 'int64' | 'int' | 'string'>;
  create: StageFactory;
  /** An extension of this server: its toxics with the same `group` share one budget (SharedGroups). */
  shared?: true;
}

export const TOXIC_KINDS: Readonly<Record<string, ToxicKind>> = Object.freeze({
  noop: { goType: 'NoopToxic', attributes: {}, create: () => new NoopStage() },
  latency: {
    goType: 'LatencyToxic',
    attributes: { latency: 'int64', jitter: 'int64' },
    create: (a) => new LatencyStage(a),
  },
  bandwidth: { goType: 'BandwidthToxic', attributes: { rate: 'int64' }, create: (a) => new BandwidthStage(a) },
  slow_close: { goType: 'SlowCloseToxic', attributes: { delay: 'int64' }, create: (a) => new SlowCloseStage(a) },
  timeout: { goType: 'TimeoutToxic', attributes: { timeout: 'int64' }, create: (a, ctx) => new TimeoutStage(a, ctx) },
  reset_peer: { goType: 'ResetToxic', attributes: { timeout: 'int64' }, create: (a, ctx) => new ResetPeerStage(a, ctx) },
  slicer: {
    goType: 'SlicerToxic',
    attributes: { average_size: 'int', size_variation: 'int', delay: 'int' },
    create: (a, ctx) => new SlicerStage(a, ctx),
  },
  limit_data: { goType: 'LimitDataToxic', attributes: { bytes: 'int64' }, create: (a, ctx) => new LimitDataStage(a, ctx) },
  // extension (not in the real server): one bandwidth budget across proxies
  shared_bandwidth: {
    goType: 'SharedBandwidthToxic',
    attributes: { group: 'string', rate: 'int64' },
    create: (a, ctx) => new SharedBandwidthStage(a, ctx),
    shared: true,
  },
});

export function toxicKind(type: string): ToxicKind | undefined {
  return Object.prototype.hasOwnProperty.call(TOXIC_KINDS, type) ? TOXIC_KINDS[type] : undefined;
}

/** Every attribute of the type at its zero value ('' for strings), in output order. */
export function defaultAttributes(kind: ToxicKind): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [name, type] of Object.entries(kind.attributes)) out[name] = type === 'string' ? '' : 0;
  return out;
}
