/**
 * Where a process or thread entry runs from. `npm run build` (scripts/build-entries.mjs, also
 * run by `npm ci` through `prepare`) bundles the entries of the platform's processes and
 * threads into dist/entries/*.mjs: a bundled host starts without tsx and without resolving
 * ~60 TypeScript modules, about 1.2 CPU-seconds less per process. A bundle is used only while
 * it is newer than every source file it was built from (dist/entries/manifest.json lists
 * them); otherwise, or with FTCHAOS_BUNDLES=off, the entry runs from source through tsx. The
 * decision is taken once per process and is the same for every entry: a fresh bundle never
 * runs beside stale ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** the folder of ftchaos's package.json (this file may run from src/threads or a bundle in dist/entries) */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

export const BUNDLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'entries');

export interface BundleManifest {
  /** source entry, relative to the package root ("src/platform/builtin/host-main.ts") -> its bundle and inputs */
  entries: Record<string, { bundle: string; inputs: string[] }>;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ftchaos') return dir;
      } catch {
        /* not ours */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ftchaos package root above ${from}`);
  }
}

/** every bundle is newer than every input it lists (pure: mtimes given) */
export function bundlesFresh(manifest: BundleManifest, mtimeMs: (rel: string) => number | null): boolean {
  const list = Object.values(manifest.entries);
  if (list.length === 0) return false;
  for (const e of list) {
    const built = mtimeMs(e.bundle);
    if (built === null) return false;
    for (const input of e.inputs) {
      const m = mtimeMs(input);
      if (m === null || m > built) return false;
    }
  }
  return true;
}

let manifest: BundleManifest | null | undefined;

/** the manifest when bundles are to be used in this process, else null */
function usable(): BundleManifest | null {
  if (manifest !== undefined) return manifest;
  manifest = null;
  if (process.env.FTCHAOS_BUNDLES === 'off') return manifest;
  try {
    const m = JSON.parse(readFileSync(path.join(BUNDLE_DIR, 'manifest.json'), 'utf8')) as BundleManifest;
    const mtime = (rel: string): number | null => {
      try {
        return statSync(path.join(PACKAGE_ROOT, rel)).mtimeMs;
      } catch {
        return null;
      }
    };
    if (bundlesFresh(m, mtime)) manifest = m;
  } catch {
    /* no build: run from source */
  }
  return manifest;
}

/** true when this process runs the platform from its bundles (fresh, and not switched off) */
export function bundlesUsable(): boolean {
  return usable() !== null;
}

/** an entry to start: the absolute source file and, when usable, its bundle */
export function entry(srcRel: string): { source: string; bundle: string | null } {
  const source = path.join(PACKAGE_ROOT, srcRel);
  const b = usable()?.entries[srcRel];
  return { source, bundle: b ? path.join(PACKAGE_ROOT, b.bundle) : null };
}

/**
 * Import an entry's module into this process: its bundle when usable, else its source (this
 * process must then run with tsx, as the ftchaos CLI does). `ftchaos host` and `ftchaos
 * witness` load the platform this way, so that a host an external driver launches runs the
 * same code, and starts as fast, as one the builtin driver launches.
 */
export async function importEntry<T>(srcRel: string): Promise<T> {
  const e = entry(srcRel);
  return (await import(pathToFileURL(e.bundle ?? e.source).href)) as T;
}
