/**
 * Walking a corpus folder. Every `*.json` regular file below it is a case; the walk never
 * leaves the folder (a symbolic link is followed only to a target inside it), never opens
 * anything but regular files (a FIFO would block, /dev/zero would never end), notices
 * loops, and accounts for everything it passes over: problems (invalid corpus) and
 * ignored files (listed, so a misnamed `case.jsn` does not silently drop out of a run).
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CaseProblem } from './errors.js';

/** Folders at the top of the corpus that hold code, not cases. */
export const CODE_DIRS: ReadonlyMap<string, string> = new Map([
  ['generate', "the corpus generator's code"],
  ['node_modules', 'installed packages'],
]);

/** Bounds of a walk: links inside the corpus may fan out (a -> b twice, b -> c twice, ...) without looping. */
export const MAX_CORPUS_DEPTH = 32;
export const MAX_CORPUS_ENTRIES = 1_000_000;

/** Largest case file read: far above any hand-written or stored case, far below what JSON.parse can hold. */
export const MAX_CASE_FILE_BYTES = 256 * 1024 * 1024;

export interface IgnoredEntry {
  /** The path below the corpus folder, '/'-separated ('generate/' for a folder). */
  path: string;
  why: string;
  /** True for the corpus's own code folders (CODE_DIRS): expected, not worth a note. */
  expected: boolean;
}

export interface CorpusListing {
  /** Case files, by the path they were found under (inside the corpus folder). */
  files: string[];
  problems: CaseProblem[];
  ignored: IgnoredEntry[];
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Lists the corpus below `dir` (which must be a folder). Never throws for the folder's contents. */
export function walkCorpus(dir: string): CorpusListing {
  const root = realpathSync(dir);
  const out: CorpusListing = { files: [], problems: [], ignored: [] };
  const rel = (p: string) => relative(dir, p).split(sep).join('/');
  const problem = (p: string, message: string) => out.problems.push({ file: p, pointer: '', message });
  // Each folder carries the real paths of the folders above it: a link back to one of them is a loop.
  const stack: { path: string; real: string; above: ReadonlySet<string> }[] = [{ path: dir, real: root, above: new Set() }];
  let entries = 0;
  while (stack.length > 0) {
    const { path: d, real: dReal, above } = stack.pop()!;
    if (above.size >= MAX_CORPUS_DEPTH) {
      problem(d, `folders nested deeper than ${MAX_CORPUS_DEPTH} levels: not walked`);
      continue;
    }
    const chain = new Set(above).add(dReal);
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      problem(d, `cannot list this folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    entries += names.length;
    if (entries > MAX_CORPUS_ENTRIES) {
      problem(d, `more than ${MAX_CORPUS_ENTRIES} entries in the corpus folder (links fanning out?): the walk stops here`);
      break;
    }
    for (const name of names) {
      const p = join(d, name);
      let s: Stats;
      try {
        s = lstatSync(p);
      } catch (e) {
        problem(p, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        continue;
      }
      let real = join(dReal, name);
      if (s.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(p);
          s = statSync(p);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          problem(p, code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a dangling symbolic link (its target does not exist)' : `cannot follow this symbolic link: ${code ?? (e as Error).message}`);
          continue;
        }
        if (!inside(root, target)) {
          problem(p, `a symbolic link to ${target}, outside the corpus folder: not followed`);
          continue;
        }
        if (s.isDirectory() && chain.has(target)) {
          problem(p, `a symbolic link back to the folder ${relative(root, target).split(sep).join('/') || '.'} above it: a loop, not followed`);
          continue;
        }
        real = target;
      }
      if (s.isDirectory()) {
        const why = d === dir ? CODE_DIRS.get(name) : undefined;
        if (why) {
          out.ignored.push({ path: rel(p) + '/', why, expected: true });
          continue;
        }
        stack.push({ path: p, real, above: chain });
      } else if (!s.isFile()) {
        problem(p, `${kindOf(s)}, not a case file: not read`);
      } else if (!name.endsWith('.json')) {
        out.ignored.push({ path: rel(p), why: 'not a .json file', expected: false });
      } else if (s.size > MAX_CASE_FILE_BYTES) {
        problem(p, `${s.size} bytes; a case file may have at most ${MAX_CASE_FILE_BYTES} (use a generator for large tensors)`);
      } else out.files.push(p);
    }
  }
  return out;
}
