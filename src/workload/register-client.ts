/**
 * A register-workload client: it reads, writes and compare-and-sets a few keys shared by all
 * register clients (`reg-0` .. `reg-<K-1>`), so that their histories can be checked for
 * linearizability. Each op picks a key at random (seeded: the same seed gives the same
 * choices), then ~50 % reads (GET), ~25 % writes (SET) and ~25 % compare-and-sets (CAS) that
 * expect the value this client last read or wrote on that key (a read instead while it knows
 * none). Every value written is unique: `valueBase + n` with a per-client counter n.
 *
 * Outcomes, as the history needs them (history.ts): ok; fail = definitely not done (ERR such
 * as NOT_PRIMARY, connection refused, or a CAS answered NOMATCH: error 'NOMATCH'); info =
 * indeterminate (timeout, connection lost, a reply it cannot read). Like the set clients
 * (client.ts) it talks to one host at a time and moves to the other host on a fail or an
 * indeterminate op — but not on NOMATCH, which the serving host answered.
 */
import { CAS_NOMATCH } from './history.ts';
import { HostClient, type Done, type HostClientOptions } from './host-client.ts';
import { prng } from '../faults/schedule.ts';

/** the shared key i of the register workload */
export const registerKey = (i: number): string => `reg-${i}`;

export interface RegisterClientOptions extends HostClientOptions {
  /** process name, "r0", "r1", … */
  name: string;
  /** number of shared keys K: reg-0 .. reg-(K-1) */
  keys: number;
  /** seeds the op, key choices */
  seed: number;
  /** values written are valueBase + 1, + 2, …: give each client its own range */
  valueBase: number;
}

export class RegisterClient extends HostClient {
  private n = 0;
  private readonly rnd: () => number;
  /** key -> the value this client last read or wrote there (absent: unknown or NIL) */
  private readonly known = new Map<string, number>();

  constructor(private readonly opts: RegisterClientOptions) {
    if (!Number.isInteger(opts.keys) || opts.keys < 1) throw new Error(`register client ${opts.name}: key count ${opts.keys} must be a whole number ≥ 1`);
    super(opts);
    this.rnd = prng(opts.seed);
  }

  protected async next(): Promise<void> {
    const key = registerKey(Math.floor(this.rnd() * this.opts.keys));
    const r = this.rnd();
    if (r < 0.5) return this.read(key);
    if (r < 0.75) return this.write(key);
    const expect = this.known.get(key);
    return expect === undefined ? this.read(key) : this.cas(key, expect);
  }

  private async read(key: string): Promise<void> {
    await this.perform({ f: 'reg-read', key }, `GET ${key}`, (o) => {
      if (o.word === 'NIL' && o.args.length === 0) {
        this.known.delete(key);
        return { type: 'ok', fields: { value: null } };
      }
      const v = o.word === 'VAL' && o.args.length === 1 ? Number(o.args[0]) : NaN;
      if (!Number.isSafeInteger(v)) return unreadable(o);
      this.known.set(key, v);
      return { type: 'ok', fields: { value: v } };
    });
  }

  private async write(key: string): Promise<void> {
    const value = this.opts.valueBase + ++this.n;
    await this.perform({ f: 'reg-write', key, value }, `SET ${key} ${value}`, (o) => {
      if (o.word !== 'OK' || o.args.length) return unreadable(o);
      this.known.set(key, value);
      return { type: 'ok' };
    });
  }

  private async cas(key: string, expect: number): Promise<void> {
    const value = this.opts.valueBase + ++this.n;
    await this.perform({ f: 'reg-cas', key, value, expect }, `CAS ${key} ${expect} ${value}`, (o) => {
      if (o.word === 'OK' && !o.args.length) {
        this.known.set(key, value);
        return { type: 'ok' };
      }
      if (o.word === CAS_NOMATCH && !o.args.length) {
        this.known.delete(key); // someone else wrote: read before the next swap
        return { type: 'fail', error: CAS_NOMATCH, move: false };
      }
      return unreadable(o);
    });
  }
}

/** a reply the op does not expect: what it did is unknown */
function unreadable(o: { word: string; args: string[] }): Done {
  return { type: 'info', error: `unexpected reply: ${[o.word, ...o.args].join(' ')}`.slice(0, 200), move: true };
}
