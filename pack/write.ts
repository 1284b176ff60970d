/**
 * Writing a built pack to a folder whole or not at all: the files go to a fresh sibling
 * folder first, which then takes the target's place. An existing target is replaced only
 * when it is a pack itself (its manifest.json names a smoothl1 pack format) or empty, so
 * a mistyped --out cannot wipe an unrelated folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { PackFile } from './build.js';

/** The target exists and is neither empty nor a pack. */
export class PackTargetError extends Error {
  override name = 'PackTargetError';
}

function isPackDir(dir: string): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
    return typeof m.format === 'string' && m.format.startsWith('smoothl1-pack/');
  } catch {
    return false;
  }
}

/** Checks that `dir` may receive a pack (absent, empty, or a pack); throws PackTargetError otherwise. */
export function checkPackTarget(dir: string): void {
  const out = resolve(dir);
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new PackTargetError(`${dir} exists and is not a folder`);
  if (readdirSync(out).length > 0 && !isPackDir(out)) throw new PackTargetError(`${dir} is not empty and holds no pack (no manifest.json of a smoothl1 pack): refusing to replace it`);
}

export function writePack(dir: string, files: readonly PackFile[]): void {
  checkPackTarget(dir);
  const out = resolve(dir);
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(out)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(out)}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const f of files) {
      const p = join(tmp, ...f.path.split('/'));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.data);
    }
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(out)) renameSync(old, out);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Every file below a folder as pack files (paths '/'-separated, sorted), for comparisons. */
export function readPackDir(dir: string): PackFile[] {
  const out: PackFile[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(p).isDirectory()) walk(p, r);
      else out.push({ path: r, data: readFileSync(p) });
    }
  };
  walk(resolve(dir), '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
