/**
 * Every proxy of a server, by name (the real server's ProxyCollection): create, look up,
 * delete, populate (idempotent) and reset. Operations run one at a time (`exclusive`), so
 * concurrent API calls see each other's effects whole.
 */
import { ApiError, ErrMissingField, ErrProxyAlreadyExists, ErrProxyNotFound } from './errors.ts';
import { checkNameLength } from './limits.ts';
import type { ProxyMetrics } from './metrics.ts';
import { Proxy, type ProxySettings } from './proxy.ts';
import type { SharedGroups } from './shared-groups.ts';

export interface ProxyInput extends ProxySettings {
  enabled: boolean;
}

export class PopulateError extends ApiError {
  constructor(cause: ApiError, readonly proxies: Proxy[]) {
    super(cause.message, cause.status);
  }
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly metrics: ProxyMetrics, private readonly groups: SharedGroups) {}

  /** Run `fn` after every operation queued before it. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound();
    return proxy;
  }

  async add(input: ProxyInput): Promise<Proxy> {
    if (!input.name) throw ErrMissingField('name');
    if (!input.upstream) throw ErrMissingField('upstream');
    checkNameLength('proxy', input.name);
    if (this.proxies.has(input.name)) throw ErrProxyAlreadyExists();
    const proxy = new Proxy(input, this.metrics, this.groups);
    if (input.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    await proxy.stop();
    proxy.toxics.release();
    this.proxies.delete(name);
  }

  /**
   * Create or replace proxies. One that exists with the same listen and upstream is kept as
   * it is (toxics included); one that differs is stopped and replaced. The whole input is
   * checked before anything changes.
   */
  async populate(input: ProxyInput[]): Promise<Proxy[]> {
    const seen = new Set<string>();
    input.forEach((p, i) => {
      if (!p.name) throw ErrMissingField(`name at proxy ${i + 1}`);
      if (!p.upstream) throw ErrMissingField(`upstream at proxy ${i + 1}`);
      checkNameLength('proxy', p.name);
      if (seen.has(p.name)) throw new ApiError(`duplicate proxy name "${p.name}"`, 400);
      seen.add(p.name);
    });
    const done: Proxy[] = [];
    for (const p of input) {
      try {
        done.push(await this.addOrReplace(p));
      } catch (err) {
        throw new PopulateError(err instanceof ApiError ? err : new ApiError((err as Error).message, 500), done);
      }
    }
    return done;
  }

  /** Every proxy enabled again, every toxic removed. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.toxics.reset();
    }
  }

  /** Stop every proxy (server shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all(this.list().map((p) => p.stop()));
    for (const p of this.proxies.values()) p.toxics.release();
    this.proxies.clear();
  }

  private async addOrReplace(input: ProxyInput): Promise<Proxy> {
    const existing = this.proxies.get(input.name);
    if (existing) {
      const sameListen = input.listen === existing.listen || input.listen === existing.requestedListen;
      if (sameListen && input.upstream === existing.upstream) return existing;
      await existing.stop();
      existing.toxics.release();
    }
    const proxy = new Proxy(input, this.metrics, this.groups);
    if (input.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }
}
