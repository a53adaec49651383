/**
 * driver-check: exercise every call of the driver protocol against a real driver program and
 * say, call by call, whether it works, is missing (not declared) or answered wrong — with the
 * exact line sent and what came back. The pair runs on a direct layout (no proxies).
 *
 * Roles are checked against the hosts themselves: the host a driver calls primary must answer
 * the guest's PING, the one it calls backup must not. A driver that lies about roles fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoint, HostName, PairLayout, Role } from '../types.ts';
import { HOST_NAMES, monoMs } from '../types.ts';
import { freePorts } from '../ports.ts';
import { DriverCallError, DriverProcess } from './driver-process.ts';
import { CAPABILITY_TEXT, parseHello, parseLogs, parseStatus, PROTOCOL_VERSION, type Capability, type Hello } from './protocol.ts';
import type { CommandSpec } from './spec.ts';
import { askGuest, describeAnswer, serves } from './guest-ask.ts';

export type Outcome = 'works' | 'missing' | 'wrong' | 'timeout' | 'skipped';

export interface CheckItem {
  name: string;
  required: boolean;
  outcome: Outcome;
  detail: string;
  sent?: string;
  received?: string;
}

export interface CheckOptions {
  /** any call but start [30000] */
  callTimeoutMs?: number;
  /** start, and then protection [120000] */
  startTimeoutMs?: number;
  /** platform options handed to start [{}] */
  options?: Record<string, unknown>;
  /** where the pair's logs go [a new temporary folder] */
  logDir?: string;
  /** each finished item, as it finishes (for live output) */
  onItem?: (item: CheckItem) => void;
}

export interface CheckReport {
  driver: string;
  items: CheckItem[];
  ok: boolean;
  logDir: string;
  /** processes of the driver's group found alive after stop (then killed) */
  leftBehind: number[];
}

const ep = (port: number): Endpoint => ({ host: '127.0.0.1', port });

async function directLayout(): Promise<{ layout: PairLayout; client: Record<HostName, Endpoint> }> {
  const [ac, ar, bc, br, w] = (await freePorts(5)).map(ep);
  return {
    layout: {
      witness: w!,
      hosts: {
        a: { client: ac!, replication: ar!, dialPeer: br!, dialWitness: w! },
        b: { client: bc!, replication: br!, dialPeer: ar!, dialWitness: w! },
      },
    },
    client: { a: ac!, b: bc! },
  };
}

export async function runDriverCheck(spec: CommandSpec, opts: CheckOptions = {}): Promise<CheckReport> {
  const callMs = opts.callTimeoutMs ?? 30_000;
  const startMs = opts.startTimeoutMs ?? 120_000;
  const logDir = opts.logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ftchaos-driver-check-'));
  fs.mkdirSync(logDir, { recursive: true });
  const items: CheckItem[] = [];
  const add = (i: CheckItem): CheckItem => {
    items.push(i);
    opts.onItem?.(i);
    return i;
  };

  const proc = new DriverProcess({ argv: spec.argv, display: spec.display, stderrFile: path.join(logDir, 'driver.stderr.log') });
  const roles: Record<HostName, Role> = { a: 'down', b: 'down' };
  let isProtected = false;
  const badLines: string[] = [];
  const wake = new Set<() => void>();
  const badTimes: string[] = [];
  proc.onEvent((e, raw) => {
    if (e.time !== undefined) {
      const off = e.time - monoMs();
      if (off > 1000 || off < -5000) badTimes.push(`${raw} arrived at ${monoMs().toFixed(1)}: ${Math.round(off)} ms off`);
    }
    if (e.event === 'role') roles[e.host] = e.role;
    if (e.event === 'protected') isProtected = e.protected;
    for (const w of [...wake]) w();
  });
  proc.onBadLine((why) => badLines.push(why));
  void proc.exited.then(() => {
    for (const w of [...wake]) w();
  });
  /** resolves true once pred holds (checked at each event), false after ms or when the driver dies */
  const until = (pred: () => boolean, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (pred()) end(true);
        else if (!proc.alive) end(false);
      };
      const end = (v: boolean): void => {
        clearTimeout(timer);
        wake.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => end(pred()), ms);
      wake.add(check);
      check();
    });

  /** one call: its item, with the exact lines; returns the result or undefined when it failed */
  const call = async (name: string, method: string, params: unknown, required: boolean, ms = callMs): Promise<{ ok: boolean; result?: unknown; item: CheckItem }> => {
    if (!proc.alive) return { ok: false, item: { name, required, outcome: 'skipped', detail: `not called: the driver had exited ${proc.describeExit()}${proc.stderrHint()}` } };
    const before = proc.transcript.length;
    const t0 = performance.now();
    try {
      const result = await proc.request(method, params, ms);
      const item: CheckItem = { name, required, outcome: 'works', detail: `answered in ${Math.round(performance.now() - t0)} ms`, ...lines(proc, before) };
      return { ok: true, result, item };
    } catch (err) {
      const e = err as DriverCallError;
      const outcome: Outcome = e.reason === 'timeout' ? 'timeout' : 'wrong';
      return { ok: false, item: { name, required, outcome, detail: e.message, sent: e.sent, received: e.received } };
    }
  };

  const skipRest = (names: [string, boolean][], why: string): void => {
    for (const [name, required] of names) add({ name, required, outcome: 'skipped', detail: why });
  };

  let hello: Hello | null = null;
  let leftBehind: number[] = [];
  const LATER: [string, boolean][] = [['start', true], ['protected', true], ['status', true], ['roles are true', true], ['logs', false], ['hang', false], ['resume', false], ['cut', false], ['crash', false], ['restart', false], ['failover reported', false], ['events', true]];
  try {
    await exercise();
  } finally {
    await stopAndReap();
  }
  return report();

  async function exercise(): Promise<void> {
    // ---- hello
    const h = await call('hello', 'hello', { protocol: PROTOCOL_VERSION, harness: 'ftchaos driver-check' }, true);
    if (h.ok) {
      try {
        hello = parseHello(h.result);
        h.item.detail = `${hello.name}, protocol ${hello.protocol}; can ${hello.capabilities.join(', ') || 'nothing optional'}; proxied: ${hello.proxied.join(', ') || 'none'}; own: ${hello.own.join(', ') || 'none'}`;
      } catch (err) {
        h.item.outcome = 'wrong';
        h.item.detail = (err as Error).message;
      }
    }
    add(h.item);
    if (!hello) {
      skipRest(LATER, 'hello failed');
      return;
    }
    const can = (c: Capability): boolean => hello!.capabilities.includes(c);

    // ---- start
    const { layout, client } = await directLayout();
    const s = await call('start', 'start', { pair: 'check', options: opts.options ?? {}, layout, clientEndpoints: client, logDir }, true, startMs);
    add(s.item);
    if (!s.ok) {
      skipRest(LATER.slice(1), 'start failed');
      return;
    }

    // ---- protected (an event, or the status says so)
    const protectedNow = async (ms: number): Promise<boolean> => {
      if (await until(() => isProtected, ms)) return true;
      return false;
    };
    const t0 = performance.now();
    const pOk = await protectedNow(startMs);
    add({
      name: 'protected', required: true, outcome: pOk ? 'works' : 'wrong',
      detail: pOk ? `reported protected ${Math.round(performance.now() - t0)} ms after start answered` : `never reported {"event":"protected","protected":true} within ${startMs} ms (roles it reported: a=${roles.a} b=${roles.b})${proc.alive ? '' : `; the driver exited ${proc.describeExit()}${proc.stderrHint()}`}`,
    });

    // ---- status
    const st = await call('status', 'status', {}, true);
    let primary: HostName | null = null;
    if (st.ok) {
      try {
        const parsed = parseStatus(st.result);
        const prim = HOST_NAMES.filter((n) => parsed.hosts[n].role === 'primary');
        const back = HOST_NAMES.filter((n) => parsed.hosts[n].role === 'backup');
        const disagree = HOST_NAMES.filter((n) => parsed.hosts[n].role !== roles[n]);
        if (disagree.length) throw new Error(`status says ${disagree.map((n) => `${n}=${parsed.hosts[n].role}`).join(', ')} but its events said ${disagree.map((n) => `${n}=${roles[n]}`).join(', ')}`);
        if (pOk && (prim.length !== 1 || back.length !== 1 || !parsed.protected)) throw new Error(`a protected pair has one primary and one backup and "protected": true; status says a=${parsed.hosts.a.role} b=${parsed.hosts.b.role} protected=${parsed.protected}`);
        primary = prim.length === 1 ? prim[0]! : null;
        st.item.detail = `a=${parsed.hosts.a.role} b=${parsed.hosts.b.role} protected=${parsed.protected}; ${st.item.detail}`;
      } catch (err) {
        st.item.outcome = 'wrong';
        st.item.detail = (err as Error).message;
      }
    }
    add(st.item);

    // ---- roles, checked against the hosts themselves
    const truth = async (name: string, required: boolean): Promise<boolean> => {
      if (!primary && HOST_NAMES.every((n) => roles[n] !== 'primary')) {
        add({ name, required, outcome: 'wrong', detail: `no host is reported primary (a=${roles.a} b=${roles.b}), so no role can be checked` });
        return false;
      }
      const p = HOST_NAMES.find((n) => roles[n] === 'primary')!;
      const b = p === 'a' ? 'b' : 'a';
      const [ap, ab] = await Promise.all([askGuest(client[p], 'dc1 PING', 2000), askGuest(client[b], 'dc2 PING', 2000)]);
      const lies: string[] = [];
      if (!serves(ap, 'dc1')) lies.push(`host ${p} is reported primary but does not serve: ${describeAnswer(ap)} to "dc1 PING" on ${client[p].host}:${client[p].port}`);
      if (serves(ab, 'dc2')) lies.push(`host ${b} is reported ${roles[b]} but serves: ${describeAnswer(ab)} to "dc2 PING" on ${client[b].host}:${client[b].port}`);
      add({
        name, required, outcome: lies.length ? 'wrong' : 'works',
        detail: lies.length ? lies.join('; ') : `host ${p} (reported primary) serves: ${describeAnswer(ap)}; host ${b} (reported ${roles[b]}) does not: ${describeAnswer(ab)}`,
      });
      return lies.length === 0;
    };
    await truth('roles are true', true);

    const missing = (c: Capability): void => {
      add({ name: c, required: false, outcome: 'missing', detail: `not declared: steps that need it fail with "platform ${spec.display} cannot ${CAPABILITY_TEXT[c]}"` });
    };
    const backupName = (): HostName => (HOST_NAMES.find((n) => roles[n] === 'primary') === 'a' ? 'b' : 'a');

    // ---- logs
    if (can('logs')) {
      const l = await call('logs', 'logs', {}, false);
      if (l.ok) {
        try {
          const files = parseLogs(l.result);
          const absent = Object.entries(files).filter(([, p]) => !fs.existsSync(p));
          if (absent.length) throw new Error(`listed files that do not exist: ${absent.map(([k, p]) => `${k}=${p}`).join(', ')}`);
          l.item.detail = `${Object.keys(files).length} files: ${Object.keys(files).join(', ')}`;
        } catch (err) {
          l.item.outcome = 'wrong';
          l.item.detail = (err as Error).message;
        }
      }
      add(l.item);
    } else missing('logs');

    // ---- hang + resume (the backup, briefly: a pair survives it)
    if (can('hang')) {
      const b = backupName();
      const hg = await call('hang', 'hang', { host: b }, false);
      add(hg.item);
      if (can('resume')) {
        const r = await call('resume', 'resume', { host: b }, false);
        if (r.ok && !(await until(() => isProtected, startMs))) {
          r.item.outcome = 'wrong';
          r.item.detail = `the pair was not protected again within ${startMs} ms after the backup ${b} resumed`;
        }
        add(r.item);
      } else missing('resume');
    } else {
      missing('hang');
      if (!can('resume')) missing('resume');
      else add({ name: 'resume', required: false, outcome: 'skipped', detail: 'declared, but nothing can hang a host to resume' });
    }

    // ---- cut / heal of a link it owns (the backup's, both ways); the pair must be protected after
    if (can('cut') && hello.own.length) {
      const b = backupName();
      const link = hello.own.includes('replication') ? 'replication' : hello.own[0]!;
      const cutParams = { link, host: b, direction: 'both' };
      const c = await call('cut', 'cut', cutParams, false);
      add(c.item);
      const hl = await call('heal', 'heal', cutParams, false);
      if (hl.ok && !(await until(() => isProtected, startMs))) {
        hl.item.outcome = 'wrong';
        hl.item.detail = `the pair was not protected again within ${startMs} ms after healing ${link} of ${b}`;
      }
      add(hl.item);
    } else if (!can('cut')) {
      missing('cut');
    }

    // ---- crash the backup, restart it
    if (can('crash')) {
      const b = backupName();
      const c = await call('crash', 'crash', { host: b }, false);
      if (c.ok && !(await until(() => roles[b] === 'down', 5000))) {
        c.item.outcome = 'wrong';
        c.item.detail = `no {"event":"role","host":"${b}","role":"down"} within 5000 ms of crashing it (it reports ${b}=${roles[b]})`;
      }
      add(c.item);
      if (can('restart')) {
        const r = await call('restart', 'restart', { host: b }, false, startMs);
        if (r.ok && !(await until(() => roles[b] === 'backup' && isProtected, startMs))) {
          r.item.outcome = 'wrong';
          r.item.detail = `host ${b} did not rejoin as backup of a protected pair within ${startMs} ms (it reports ${b}=${roles[b]}, protected=${isProtected})`;
        }
        add(r.item);
      } else missing('restart');

      // ---- failover: crash the primary; the other host must be reported primary, and serve
      if (isProtected) {
        const p = HOST_NAMES.find((n) => roles[n] === 'primary')!;
        const o = p === 'a' ? 'b' : 'a';
        const f = await call('failover reported', 'crash', { host: p }, false);
        if (f.ok) {
          const t1 = performance.now();
          if (await until(() => roles[o] === 'primary', 15_000)) {
            f.item.detail = `crashed ${p}; ${o} reported primary after ${Math.round(performance.now() - t1)} ms`;
            add(f.item);
            await truth('roles are true after failover', false);
          } else {
            f.item.outcome = 'wrong';
            f.item.detail = `crashed primary ${p}; ${o} was not reported primary within 15000 ms (a=${roles.a} b=${roles.b})`;
            add(f.item);
          }
        } else add(f.item);
      } else add({ name: 'failover reported', required: false, outcome: 'skipped', detail: 'the pair was not protected after restart' });
    } else {
      missing('crash');
      if (!can('restart')) missing('restart');
      else add({ name: 'restart', required: false, outcome: 'skipped', detail: 'declared, but nothing can crash a host to restart' });
      add({ name: 'failover reported', required: false, outcome: 'skipped', detail: 'needs crash' });
    }

    // ---- every line it wrote was protocol
    add({
      name: 'events', required: true, outcome: badLines.length || badTimes.length ? 'wrong' : 'works',
      detail: badLines.length
        ? `${badLines.length} line(s) were not protocol; first: ${badLines[0]}`
        : badTimes.length
          ? `${badTimes.length} event time(s) are not CLOCK_MONOTONIC ms (leave "time" out to be stamped on arrival); first: ${badTimes[0]}`
          : 'every line on stdout was a response or a known event, every time CLOCK_MONOTONIC ms',
    });
  }

  async function stopAndReap(): Promise<void> {
    if (items.some((i) => i.name === 'stop')) return;
    if (proc.alive) {
      const st = await call('stop', 'stop', {}, true);
      add(st.item);
      proc.closeStdin();
      const exited = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (st.item.outcome === 'works' && !exited) {
        st.item.outcome = 'wrong';
        st.item.detail = `answered, but did not exit within 10000 ms of its stdin closing (killed)`;
      }
    } else {
      add({ name: 'stop', required: true, outcome: 'skipped', detail: `not called: the driver had already exited ${proc.describeExit()}${proc.stderrHint()}` });
    }
    // anything it started that is still around, in its process group
    leftBehind = proc.groupMembers().filter((p) => p !== proc.pid || proc.alive);
    const names = leftBehind.map(cmdline);
    await proc.shutdown(0); // kills the group
    if (leftBehind.length) {
      const stop = items.find((i) => i.name === 'stop')!;
      stop.outcome = 'wrong';
      stop.detail += `; left ${leftBehind.length} process(es) behind: ${names.join(', ')} (killed)`;
    }
  }

  function report(): CheckReport {
    const ok = items.every((i) => (i.required ? i.outcome === 'works' : i.outcome !== 'wrong' && i.outcome !== 'timeout'));
    return { driver: spec.display, items, ok, logDir, leftBehind };
  }
}

function lines(proc: DriverProcess, from: number): { sent?: string; received?: string } {
  const t = proc.transcript.slice(from).filter((x) => x.dir !== 'stderr');
  const sent = t.find((x) => x.dir === 'sent')?.line;
  let id: number | null = null;
  try {
    id = sent ? (JSON.parse(sent) as { id: number }).id : null;
  } catch {
    /* ours is JSON */
  }
  const received = t.find((x) => x.dir === 'received' && x.line.includes(`"id":${id}`))?.line;
  return { ...(sent ? { sent } : {}), ...(received ? { received } : {}) };
}

function cmdline(pid: number): string {
  try {
    return `${pid} (${fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim().slice(0, 80)})`;
  } catch {
    return String(pid);
  }
}
