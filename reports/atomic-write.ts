/**
 * Writing reports as a set. A report folder holds the files of exactly one run: the new
 * set is written into a fresh sibling folder, then swapped in by renames (the old folder
 * renamed aside, the new one renamed into place, the old one removed), so a reader, a
 * crash or a kill sees the previous set, the new set, or (for the instant between the two
 * renames) none, never a mix. Nothing temporary is left behind by a run that ends
 * normally or on a signal; leftovers of a killed run are removed by the next one.
 *
 * Because the whole folder is replaced, it may hold only report files: checkReportDir
 * says so before the first case runs, together with whether the folder can be created
 * and written at all.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface RenderedFile {
  /** File name inside the target folder (no path separators). */
  name: string;
  content: string;
}

/** The file names a report folder may hold (reports/index.ts registers them). */
const reportNames = new Set<string>();
export function registerReportName(name: string): void {
  reportNames.add(name);
}

/** Write one file atomically: temp file in the same folder, then rename (bench figures). */
export function writeFileAtomic(path: string, dir: string, name: string, content: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where a report folder really is (a link to a folder is followed), and its parent. */
function locate(dir: string): { target: string; parent: string; exists: boolean } {
  const abs = resolve(dir);
  try {
    lstatSync(abs);
    const target = realpathSync(abs);
    return { target, parent: dirname(target), exists: true };
  } catch {
    return { target: abs, parent: dirname(abs), exists: false };
  }
}

/** Creates `dir` and its missing parents one level at a time (Node's recursive mkdir can loop forever under /proc). */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    try {
      const s = statSync(d);
      if (!s.isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw e;
      missing.push(d);
      d = dirname(d);
    }
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

/** Removes what killed runs left beside the report folder (their process is gone). */
function removeLeftovers(parent: string, base: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const re = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.smoothl1-(?:new|old)-(\\d+)-`);
  for (const n of names) {
    const m = re.exec(n);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(parent, n), { recursive: true, force: true });
  }
}

/**
 * Why reports cannot be written to `dir`, or undefined when they can: it must be a
 * folder (or not exist yet), hold nothing but report files, and its parent must be
 * creatable and writable. Checked by creating and removing a folder beside it.
 */
export function checkReportDir(dir: string): string | undefined {
  if (dir === '') return 'the report folder is an empty path';
  const { target, parent, exists } = locate(dir);
  if (exists) {
    const s = statSync(target);
    if (!s.isDirectory()) return `${dir} is a file, not a folder`;
    const others = readdirSync(target).filter((n) => !reportNames.has(n));
    if (others.length > 0) {
      const list = others.slice(0, 5).join(', ') + (others.length > 5 ? `, ... (${others.length} in all)` : '');
      return `${dir} holds files that are not reports (${list}); the report set replaces the whole folder, so give the reports a folder of their own`;
    }
    if (s.dev !== statSync(parent).dev) return `${dir} is a mount point; the report set is swapped in by renaming the folder, so give the reports a folder inside it`;
  }
  try {
    makeFolders(parent);
    const probe = mkdtempSync(join(parent, `.${basename(target)}.smoothl1-new-${process.pid}-`));
    rmSync(probe, { recursive: true, force: true });
  } catch (e) {
    return `cannot create the report folder ${dir}: ${code(e)} in ${parent}`;
  }
  removeLeftovers(parent, basename(target));
  return undefined;
}

/**
 * Replaces the report folder `dir` by one holding exactly `files`. Returns the paths
 * written. On failure the previous folder is restored and nothing new is left behind.
 */
export function writeReportFiles(dir: string, files: readonly RenderedFile[]): string[] {
  for (const f of files) if (/[/\\]/.test(f.name) || f.name === '' || f.name.startsWith('.')) throw new Error(`report file name must be a plain name, got '${f.name}'`);
  const problem = checkReportDir(dir);
  if (problem) throw new Error(problem);
  const { target, parent, exists } = locate(dir);
  const base = basename(target);
  const fresh = mkdtempSync(join(parent, `.${base}.smoothl1-new-${process.pid}-`));
  let aside: string | undefined;
  try {
    for (const f of files) writeFileSync(join(fresh, f.name), f.content);
    if (exists) {
      aside = join(parent, `.${base}.smoothl1-old-${process.pid}-${basename(fresh).slice(-6)}`);
      renameSync(target, aside);
    }
    renameSync(fresh, target);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    if (aside !== undefined) {
      try {
        renameSync(aside, target);
      } catch {
        /* the previous set stays in `aside`; the next run's check removes it */
      }
    }
    throw e;
  }
  if (aside !== undefined) rmSync(aside, { recursive: true, force: true });
  return files.map((f) => join(resolve(dir), f.name));
}
