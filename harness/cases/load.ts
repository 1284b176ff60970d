/**
 * Loading the corpus: every cases/**\/*.json file is one case whose id is its path below
 * the corpus folder without ".json" (test262's "a test's path is its id").
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import type { CaseJson, LoadedCase } from '../../common/types.js';
import { CaseError, type CaseProblem } from './errors.js';
import { caseProblems } from './validate.js';

/** The committed corpus folder (<package root>/cases). */
export function defaultCasesDir(): string {
  return join(packageRoot(), 'cases');
}

/** Folders below the corpus that hold code, not cases. */
const SKIP_DIRS = new Set(['generate', 'node_modules']);

/** All case files below `dir`, sorted by id so every listing and run has one order. */
export function listCaseFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, top: boolean): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (!(top && SKIP_DIRS.has(name))) walk(p, false);
      } else if (name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir, true);
  return out.sort((a, b) => (caseIdOf(dir, a) < caseIdOf(dir, b) ? -1 : 1));
}

export function caseIdOf(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/').replace(/\.json$/, '');
}

export interface FileCheck {
  file: string;
  id: string;
  case?: LoadedCase;
  problems: CaseProblem[];
}

/** Parses and validates one case file; never throws for bad content (problems are returned). */
export function checkCaseFile(file: string, dir: string): FileCheck {
  const id = caseIdOf(dir, file);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { file, id, problems: [{ file, pointer: '', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const problems = caseProblems(file, doc);
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(id)) problems.push({ file, pointer: '', message: `the case id '${id}' (its path) may use only letters, digits, '_', '.', '-' and '/'` });
  if (problems.length) return { file, id, problems };
  return { file, id, problems, case: { ...(doc as CaseJson), id, file } };
}

/** Checks every case file below `dir` and returns each file's verdict (for `cases validate`). */
export function checkCorpus(dir: string = defaultCasesDir()): FileCheck[] {
  const root = resolve(dir);
  return listCaseFiles(root).map((f) => checkCaseFile(f, root));
}

/**
 * Loads and validates every case below `dir` (default: the committed corpus). Throws a
 * CaseError listing every problem of every invalid file.
 */
export function loadCorpus(dir: string = defaultCasesDir()): LoadedCase[] {
  const checks = checkCorpus(dir);
  const problems = checks.flatMap((c) => c.problems);
  if (problems.length) throw new CaseError(problems);
  return checks.map((c) => c.case as LoadedCase);
}

/** Loads one case file (its id relative to `dir`, default its own folder's corpus root). */
export function loadCaseFile(file: string, dir: string = defaultCasesDir()): LoadedCase {
  const c = checkCaseFile(resolve(file), resolve(dir));
  if (c.problems.length) throw new CaseError(c.problems);
  return c.case as LoadedCase;
}
