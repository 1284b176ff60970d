/**
 * Loading the corpus: every cases/**\/*.json file is one case whose id is its path below
 * the corpus folder without ".json" (test262's "a test's path is its id").
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import type { CaseJson, LoadedCase } from '../../common/types.js';
import { CaseError, type CaseProblem } from './errors.js';
import { parseStrictJson } from './strict-json.js';
import { caseProblems } from './validate.js';
import { walkCorpus, type IgnoredEntry } from './walk.js';

/** The committed corpus folder (<package root>/cases). */
export function defaultCasesDir(): string {
  return join(packageRoot(), 'cases');
}

/** All case files below `dir`, sorted by id so every listing and run has one order (special files, links out and loops left out). */
export function listCaseFiles(dir: string): string[] {
  return sortById(dir, walkCorpus(dir).files);
}

function sortById(dir: string, files: string[]): string[] {
  return files.sort((a, b) => (caseIdOf(dir, a) < caseIdOf(dir, b) ? -1 : 1));
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { file, id, problems: [{ file, pointer: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const parsed = parseStrictJson(bytes);
  if (!parsed.ok) return { file, id, problems: [{ file, pointer: parsed.pointer, message: parsed.message }] };
  const doc = parsed.value;
  const problems = caseProblems(file, doc);
  const idProblem = caseIdProblem(id);
  if (idProblem) problems.push({ file, pointer: '', message: idProblem });
  if (problems.length) return { file, id, problems };
  return { file, id, problems, case: { ...(doc as CaseJson), id, file } };
}

/** What is wrong with a case id (its path below the corpus), or undefined. */
export function caseIdProblem(id: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(id)) return `the case id '${id}' (its path) may use only letters, digits, '_', '.', '-' and '/'`;
  if (id.split('/').some((seg) => seg === '.' || seg === '..')) return `the case id '${id}' (its path) has a '.' or '..' segment, which names a folder, not a case`;
  return undefined;
}

export interface CorpusInspection {
  /** One verdict per case file, and one per entry the walk rejected (special file, link out, loop). */
  checks: FileCheck[];
  /** Files and folders passed over (listed by `cases validate`, noted by `run`). */
  ignored: IgnoredEntry[];
}

/** Walks and checks the whole corpus below `dir`. */
export function inspectCorpus(dir: string = defaultCasesDir()): CorpusInspection {
  const root = resolve(dir);
  const walk = walkCorpus(root);
  const checks = sortById(root, walk.files).map((f) => checkCaseFile(f, root));
  for (const p of walk.problems) checks.push({ file: p.file, id: caseIdOf(root, p.file), problems: [p] });
  return { checks, ignored: walk.ignored };
}

/** Checks every case file below `dir` and returns each file's verdict (for `cases validate`). */
export function checkCorpus(dir: string = defaultCasesDir()): FileCheck[] {
  return inspectCorpus(dir).checks;
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
