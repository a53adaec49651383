/**
 * The toxics of one proxy (the real server's ToxicCollection): creation with defaults,
 * attribute-merging updates, removal, and their JSON shape. Live connections hear of every
 * change through the `ToxicObserver` (the proxy), which applies it to their links.
 */
import { decodeFields, expectObject } from './api/decode.ts';
import {
  ErrInvalidStream,
  ErrInvalidToxicType,
  ErrToxicAlreadyExists,
  ErrToxicNotFound,
} from './errors.ts';
import { checkNameLength } from './limits.ts';
import type { SharedGroups } from './shared-groups.ts';
import { defaultAttributes, toxicKind, type ToxicKind } from './toxics/registry.ts';

export type Direction = 'upstream' | 'downstream';
export const DIRECTIONS: readonly Direction[] = ['upstream', 'downstream'];

export interface ToxicDef {
  name: string;
  type: string;
  /** as the client sent it (the real server echoes it) */
  stream: string;
  direction: Direction;
  toxicity: number;
  attributes: Record<string, number | string>;
  kind: ToxicKind;
}

export interface ToxicJson {
  attributes: Record<string, number | string>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export interface ToxicObserver {
  toxicAdded(def: ToxicDef): void;
  toxicUpdated(def: ToxicDef): void;
  toxicRemoved(def: ToxicDef): void;
}

export function toxicJson(def: ToxicDef): ToxicJson {
  return { attributes: { ...def.attributes }, name: def.name, type: def.type, stream: def.stream, toxicity: def.toxicity };
}

function parseDirection(stream: string): Direction | null {
  const s = stream.toLowerCase();
  return s === 'upstream' || s === 'downstream' ? s : null;
}

export class ToxicSet {
  private readonly chains: Record<Direction, ToxicDef[]> = { upstream: [], downstream: [] };

  /** `groups`: the server's shared budgets; `proxy`: the owning proxy's name (for their messages). */
  constructor(
    private readonly observer: ToxicObserver,
    private readonly groups: SharedGroups,
    private readonly proxy: string,
  ) {}

  /** Upstream toxics first, then downstream, each in the order they were added. */
  list(): ToxicDef[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  chain(direction: Direction): readonly ToxicDef[] {
    return this.chains[direction];
  }

  find(name: string): ToxicDef | undefined {
    return this.chains.upstream.find((t) => t.name === name) ?? this.chains.downstream.find((t) => t.name === name);
  }

  /** POST /proxies/{p}/toxics with a parsed body. */
  add(body: unknown): ToxicDef {
    const head: Record<string, unknown> = { name: '', type: '', stream: 'downstream', toxicity: 1 };
    const isObject = expectObject(body, 'toxics.ToxicWrapper');
    if (isObject) decodeFields(body, { name: 'string', type: 'string', stream: 'string', toxicity: 'float32' }, head, 'ToxicWrapper');
    const stream = head.stream as string;
    const direction = parseDirection(stream);
    if (!direction) throw ErrInvalidStream();
    const type = head.type as string;
    const name = (head.name as string) || `${type}_${stream}`;
    checkNameLength('toxic', name);
    const kind = toxicKind(type);
    if (!kind) throw ErrInvalidToxicType();
    if (this.find(name)) throw ErrToxicAlreadyExists();
    const attributes = defaultAttributes(kind);
    if (isObject) this.decodeAttributes(kind, body, attributes);
    const def: ToxicDef = { name, type, stream, direction, toxicity: head.toxicity as number, attributes, kind };
    if (kind.shared) this.groups.join(def, this.proxy);
    this.chains[direction].push(def);
    this.observer.toxicAdded(def);
    return def;
  }

  /** POST/PATCH /proxies/{p}/toxics/{t}: attributes merged, toxicity replaced if given. */
  update(name: string, body: unknown): ToxicDef {
    const def = this.find(name);
    if (!def) throw ErrToxicNotFound();
    const attributes = { ...def.attributes };
    const head: Record<string, unknown> = { toxicity: def.toxicity };
    if (expectObject(body, 'struct { Attributes interface {}; Toxicity float32 }')) {
      decodeFields(body, { toxicity: 'float32' }, head, 'Attributes');
      this.decodeAttributes(def.kind, body, attributes);
    }
    const settled = def.kind.shared ? this.groups.update(def, this.proxy, attributes) : null;
    def.attributes = attributes;
    def.toxicity = head.toxicity as number;
    this.observer.toxicUpdated(def);
    settled?.();
    return def;
  }

  remove(name: string): void {
    const def = this.find(name);
    if (!def) throw ErrToxicNotFound();
    const chain = this.chains[def.direction];
    chain.splice(chain.indexOf(def), 1);
    this.observer.toxicRemoved(def);
    if (def.kind.shared) this.groups.leave(def);
  }

  /** The proxy is deleted (its connections already closed): its toxics leave their shared groups. */
  release(): void {
    for (const def of this.list()) if (def.kind.shared) this.groups.leave(def);
  }

  /** Remove every toxic (upstream chain first, as the real server). */
  reset(): void {
    for (const direction of DIRECTIONS) {
      while (this.chains[direction].length > 0) this.remove(this.chains[direction][0].name);
    }
  }

  private decodeAttributes(kind: ToxicKind, body: Record<string, unknown>, into: Record<string, number | string>): void {
    const key = Object.keys(body).find((k) => k.toLowerCase() === 'attributes');
    if (key === undefined) return;
    const attrs = body[key];
    if (expectObject(attrs, `toxics.${kind.goType}`)) {
      decodeFields(attrs, kind.attributes, into as Record<string, unknown>, `${kind.goType}`);
    }
  }
}
