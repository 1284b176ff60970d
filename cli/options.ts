/**
 * Option values several commands share, each read in one place: the corpus folder
 * (--cases: `run`, `cases`, `pack`, `expectations update`), the report formats (`run
 * --formats`, `report merge --formats`) and the case selection (`run` and `cases list`:
 * repeated --filter, --shard). A bad value is a UsageError (exit 2); an invalid corpus
 * is a failed check (exit 1), reported with every problem.
 */
import { resolve } from 'node:path';
import { CaseError, inspectCorpus, selectCases, SelectionError, type CorpusInspection } from '../harness/cases/index.js';
import { parseShard, type Shard } from '../harness/shard.js';
import { parseFormats, REPORT_FORMATS, type ReportFormat } from '../reports/index.js';
import type { LoadedCase } from '../common/types.js';
import { UsageError } from './usage.js';

/** --formats' value (default: every format). */
export function formatsOption(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [...REPORT_FORMATS];
  const f = parseFormats(value);
  if (typeof f === 'string') throw new UsageError(f);
  return f;
}

/** --shard's value (default: no sharding). */
export function shardOption(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const s = parseShard(value);
  if (typeof s === 'string') throw new UsageError(s);
  return s;
}

/** The cases the --filter options (repeated: and; commas: or) and --shard select, as `run` selects them. */
export function selectedCases(corpus: readonly LoadedCase[], filters: readonly string[], shard: Shard | null): LoadedCase[] {
  try {
    return selectCases(corpus, filters, shard, '--filter');
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Loads the corpus folder of --cases. A folder that does not exist or holds no cases is a
 * UsageError; an invalid corpus is reported with every problem through `report` (the
 * message ends with `consequence`, e.g. 'nothing was run') and gives null: the command
 * exits 1. Files that are not cases are noted on stderr unless `quiet`.
 */
export function loadCorpusOption(dir: string, o: { consequence: string; quiet?: boolean; report?: (message: string) => void }): LoadedCase[] | null {
  let inspection: CorpusInspection;
  try {
    inspection = inspectCorpus(resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`--cases: no such folder ${dir}`);
    throw e;
  }
  const problems = inspection.checks.flatMap((c) => c.problems);
  if (problems.length > 0) {
    const message = `the corpus is invalid, ${o.consequence}:\n${new CaseError(problems).message}`;
    if (o.report) o.report(message);
    else process.stderr.write(`smoothl1: ${message}\n`);
    return null;
  }
  const ignored = inspection.ignored.filter((i) => !i.expected);
  if (ignored.length > 0 && !o.quiet) process.stderr.write(`smoothl1: note: ${ignored.length} file(s) in the corpus folder are not cases and were ignored: ${ignored.map((i) => i.path).join(', ')}\n`);
  const cases = inspection.checks.map((c) => c.case!);
  if (cases.length === 0) throw new UsageError(`the corpus folder ${dir} holds no cases`);
  return cases;
}
