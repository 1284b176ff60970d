/**
 * `smoothl1 report merge <report.json>... -o <dir> [--formats ...] [--reporter ...]`:
 * merge the reports of shards (or of separate runs over disjoint selections) of one
 * configuration into one report, re-deriving the summary, and write every format from it.
 * Exit codes (cli/exit-codes.ts): 0 merged and no unexpected outcome, 1 merged with
 * unexpected outcomes, 2 usage error (missing/invalid report, reports that do not belong
 * together, an unusable -o folder).
 */
import { readFileSync } from 'node:fs';
import type { CaseResultJson, ReportJson, SweepSectionJson, TimingsJson } from '../../harness/results.js';
import { summarize } from '../../harness/results.js';
import { compareIds } from '../../harness/run.js';
import { parseReport, ReportFormatError } from '../../reports/json.js';
import { checkReportDir, REPORT_FORMATS, writeReports } from '../../reports/index.js';
import { sweepText } from '../../reports/search.js';
import { countsText } from '../../reports/tables.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { formatsOption } from '../options.js';
import { parseReporter, Reporter, REPORTER_HELP } from '../reporter.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 report merge <report.json>... -o <dir> [options]

Merge shard reports of one configuration (same runner and version, profile, tolerance,
corpus hash, seed and expectations file) into one report and write every format.
A case may appear in only one of the reports.

options:
  -o, --output <dir>     the folder for the merged reports (replaced as a whole)
  --formats <list>       comma-separated subset of ${REPORT_FORMATS.join(',')} (default all)
  ${REPORTER_HELP}

${exitCodesHelp('merged, no unexpected outcome', 'merged, with unexpected outcomes')}`;
}

/** Merge parsed reports; throws UsageError naming the first report that does not fit. */
export function mergeReports(reports: { file: string; report: ReportJson }[]): ReportJson {
  if (reports.length === 0) throw new UsageError('report merge needs at least one report.json');
  const first = reports[0];
  const key = (r: ReportJson) => ({
    runner: `${r.runner.name} ${r.runner.version}`,
    profile: r.profile,
    tolerance: r.tolerance,
    'corpus hash': r.corpusHash,
    seed: String(r.seed),
    'expectations file': r.expectations ? r.expectations.sha256 : 'none',
  });
  const k0 = key(first.report);
  for (const { file, report } of reports.slice(1)) {
    const k = key(report);
    for (const field of Object.keys(k0) as (keyof typeof k0)[]) {
      if (k[field] !== k0[field]) throw new UsageError(`cannot merge ${file} with ${first.file}: different ${field} (${k[field]} vs ${k0[field]})`);
    }
  }
  const seen = new Map<string, string>();
  const results: CaseResultJson[] = [];
  for (const { file, report } of reports) {
    for (const r of report.results) {
      const other = seen.get(r.id);
      if (other !== undefined) throw new UsageError(`cannot merge: case '${r.id}' is in both ${other} and ${file} (overlapping shards or the same report twice)`);
      seen.set(r.id, file);
      results.push(r);
    }
  }
  results.sort((a, b) => compareIds(a.id, b.id));
  const filters = first.report.selection.filters;
  const sameFilters = reports.every(({ report }) => JSON.stringify(report.selection.filters) === JSON.stringify(filters));
  let expectations = first.report.expectations;
  if (expectations) {
    // An entry is unused overall only when no shard used it.
    const unused = reports.map(({ report }) => new Set(report.expectations!.unused));
    expectations = { ...expectations, unused: expectations.unused.filter((id) => unused.every((s) => s.has(id))) };
  }
  const merged: ReportJson = {
    format: 'smoothl1-report/1',
    tool: first.report.tool,
    runner: first.report.runner,
    profile: first.report.profile,
    tolerance: first.report.tolerance,
    corpusHash: first.report.corpusHash,
    corpusSize: first.report.corpusSize,
    selection: { filters: sameFilters ? [...filters] : [...new Set(reports.flatMap(({ report }) => report.selection.filters))].sort(), shard: null, selected: results.length },
    seed: first.report.seed,
    expectations,
    mergedFrom: reports.reduce((n, { report }) => n + (report.mergedFrom ?? 1), 0),
    summary: summarize(results),
    results,
  };
  const sweep = mergeSweeps(reports);
  if (sweep) merged.sweep = sweep;
  if (reports.some(({ report }) => report.fuzz)) throw new UsageError(`cannot merge fuzz reports: each is one search (${reports.find(({ report }) => report.fuzz)!.file}); run a longer search instead`);
  // Timings survive only when every part has them (a partial sum would mislead).
  if (reports.every(({ report }) => report.timings)) {
    const timings: TimingsJson = {
      startedAt: reports.map(({ report }) => report.timings!.startedAt).sort()[0],
      totalMs: Math.round(reports.reduce((t, { report }) => t + report.timings!.totalMs, 0) * 100) / 100,
      checkMs: Math.round(reports.reduce((t, { report }) => t + report.timings!.checkMs, 0) * 100) / 100,
      cases: {},
    };
    for (const r of results) {
      for (const { report } of reports) {
        const ms = report.timings!.cases[r.id];
        if (ms !== undefined) timings.cases[r.id] = ms;
      }
    }
    merged.timings = timings;
  }
  return merged;
}

/**
 * The sweep sections of shard reports of one sweep, added up: pairs and failing pairs per
 * class, chunks done; the examples of every shard, the first few of each class in pattern
 * order (as many per class as the shard that kept the most). Undefined when no report is
 * a sweep's; a UsageError when only some are, or when they sweep different things.
 */
export function mergeSweeps(reports: { file: string; report: ReportJson }[]): SweepSectionJson | undefined {
  const withSweep = reports.filter(({ report }) => report.sweep);
  if (withSweep.length === 0) return undefined;
  if (withSweep.length !== reports.length) {
    const other = reports.find(({ report }) => !report.sweep)!;
    throw new UsageError(`cannot merge ${other.file} with ${withSweep[0].file}: one is a sweep's report, the other not`);
  }
  const first = withSweep[0];
  const definition = (s: SweepSectionJson) => JSON.stringify([s.dtype, s.beta, s.reduction, s.logits, s.chunkPatterns, s.chunks, s.classes.map((c) => c.name)]);
  for (const { file, report } of withSweep.slice(1)) {
    if (definition(report.sweep!) !== definition(first.report.sweep!)) throw new UsageError(`cannot merge ${file} with ${first.file}: they sweep different things (dtype, beta, reduction, logits range, chunking or classes differ)`);
  }
  const s0 = first.report.sweep!;
  const classes = s0.classes.map((c, i) => ({ name: c.name, pairs: 0, failing: 0, index: i }));
  let pairs = 0;
  let failingPairs = 0;
  let chunksDone = 0;
  const examples: SweepSectionJson['examples'] = [];
  let perClass = 0;
  for (const { report } of withSweep) {
    const s = report.sweep!;
    s.classes.forEach((c, i) => {
      classes[i].pairs += c.pairs;
      classes[i].failing += c.failing;
    });
    pairs += s.pairs;
    failingPairs += s.failingPairs;
    chunksDone += s.chunksDone;
    examples.push(...s.examples);
    const counts = new Map<string, number>();
    for (const e of s.examples) counts.set(e.class, (counts.get(e.class) ?? 0) + 1);
    perClass = Math.max(perClass, ...counts.values());
  }
  const order = new Map(s0.classes.map((c, i) => [c.name, i]));
  examples.sort((a, b) => (order.get(a.class) ?? 0) - (order.get(b.class) ?? 0) || a.logits.localeCompare(b.logits) || a.labels.localeCompare(b.labels));
  const kept: SweepSectionJson['examples'] = [];
  const taken = new Map<string, number>();
  for (const e of examples) {
    const n = taken.get(e.class) ?? 0;
    if (n < perClass) kept.push(e);
    taken.set(e.class, n + 1);
  }
  return { ...s0, chunksDone, pairs, failingPairs, classes: classes.map(({ name, pairs: p, failing }) => ({ name, pairs: p, failing })), examples: kept };
}

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(usage() + '\n');
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'merge') throw new UsageError(`unknown report subcommand '${sub}'; expected 'merge'`);
  const { options: o, positionals } = parseOptions(rest, {
    output: { type: 'string', short: 'o' },
    formats: { type: 'string' },
    reporter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const reporter = new Reporter(parseReporter(o.reporter as string | undefined), 'smoothl1 report merge');
  return reporter.around(async () => merge(positionals, o, reporter));
}

async function merge(positionals: string[], o: Record<string, string | boolean | string[]>, reporter: Reporter): Promise<number> {
  if (positionals.length === 0) throw new UsageError('report merge: give one or more report.json files');
  if (o.output === undefined) throw new UsageError('report merge: -o <dir> (the folder for the merged reports) is required');
  const dirProblem = checkReportDir(o.output as string);
  if (dirProblem) throw new UsageError(`report merge: -o: ${dirProblem}`);
  const formats = formatsOption(o.formats as string | undefined);
  const parsed = positionals.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      return { file, report: parseReport(file, text) };
    } catch (e) {
      if (e instanceof ReportFormatError) throw new UsageError(e.message);
      throw e;
    }
  });
  const merged = mergeReports(parsed);
  const written = writeReports(o.output as string, merged, formats);
  const s = merged.summary;
  process.stdout.write(`merged ${parsed.length} reports: ${countsText(s)}\n`);
  if (merged.sweep) process.stdout.write(sweepText(merged.sweep));
  process.stdout.write(`reports: ${written.join(', ')}\n`);
  reporter.annotate(merged);
  return s.failed + s.unexpectedPasses > 0 || (merged.sweep?.failingPairs ?? 0) > 0 ? EXIT.failed : EXIT.ok;
}
