/**
 * `smoothl1 sweep`: every pair of 16-bit patterns (2^32 pairs) of float16 or bfloat16 for
 * one beta, in chunks, against any runner (search/sweep.ts); failing pairs summarised by
 * input class (search/operator/classes.ts), the first few of each class written as
 * one-element case files. Deterministic shards (--shard i/n), merged with `smoothl1
 * report merge`. Exit codes (cli/exit-codes.ts): 0 no failing pair, 1 failing pairs
 * (report and example cases written), 2 a usage or setup error, 3 an internal error,
 * 130 / 143 interrupted (no report written).
 */
import { join, relative } from 'node:path';
import { formatDecimal } from '../../common/number-format.js';
import { scalarFromJson, scalarToJson } from '../../common/scalar-json.js';
import type { ArgValue, FloatDType, ProfileName, ToleranceLevel } from '../../common/types.js';
import { shellQuote } from '../../harness/check.js';
import type { Shard } from '../../harness/shard.js';
import type { SweepSectionJson } from '../../harness/results.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS, timeLimit } from '../../harness/time-limit.js';
import { betaValue } from '../../oracle/index.js';
import { describeRunners } from '../../runners/registry.js';
import { checkReportDir, REPORT_FORMATS, writeReports } from '../../reports/index.js';
import { sweepText } from '../../reports/search.js';
import { caseDirProblem, caseJsonFor, writeCaseFile } from '../../search/case-file.js';
import { PAIR_CLASSES, pairClassifier } from '../../search/operator/classes.js';
import { searchReport } from '../../search/report.js';
import { pairFailsAlone, RunInterrupted, sweep, sweepChunks, type SweepOutcome } from '../../search/sweep.js';
import { EXIT, exitCodesHelp, signalExitCode } from '../exit-codes.js';
import { checkOutputOptions, countOption, createChosenRunner, type CheckOutputOptions, profileOption, runnerOption, shardOption, toleranceOption, type RunnerChoice } from '../options.js';
import { progressDisplay } from '../progress.js';
import { Reporter, REPORTER_HELP } from '../reporter.js';
import { parseOptions, UsageError } from '../usage.js';

const DTYPES = ['float16', 'bfloat16'] as const;
export const DEFAULT_CHUNK_PATTERNS = 16;

function usage(): string {
  return `usage: smoothl1 sweep --dtype float16|bfloat16 --beta <b> [options]

Check an implementation on every pair of 16-bit patterns (logits x labels, 2^32 pairs)
for one beta, in chunks of calls; failing pairs are summarised by input class (NaN,
infinity, overflow, subnormal, near the threshold, quadratic, linear), the first few of
each class written as one-element case files.

options:
  --dtype <d>            float16 or bfloat16
  --beta <b>             beta as passed: a decimal with a '.' or an exponent (or nan, inf,
                         -inf) is a Python float, a whole number an int, true/false a bool
  --reduction none       the only reduction a sweep takes (passed explicitly)
  --shard <i/n>          sweep the i-th of n shards: chunk k belongs to shard (k mod n) + 1
  --logits <a>-<b>       logits patterns to sweep, hex, inclusive (default 0000-ffff)
  --chunk-patterns <n>   logits patterns per call: n x 65536 pairs (default ${DEFAULT_CHUNK_PATTERNS}, 1..1024)
  --examples <k>         failing pairs written per class (default 3)
  --runner <name>        implementation to check (default cpu):
${describeRunners()}
  --command "<prog args>" program to start (exec runner; large tensors need exec protocol 2)
  --module <path>        ES module to load (module runner)
  --profile <p>          cpu|gpu|ascend (default: the runner's native profile)
  --tolerance <t>        strict|standard (default standard)
  --out <dir>            corpus folder for the example cases (default ./smoothl1-sweep-cases)
  --report-dir <dir>     where to write reports (default ./smoothl1-sweep-report)
  --formats <list>       comma-separated subset of ${REPORT_FORMATS.join(',')} (default all)
  --timeout <ms>         time limit per call (default ${DEFAULT_TIMEOUT_MS})
  --startup-timeout <ms> added to a call that goes to a freshly (re)started process (default ${DEFAULT_STARTUP_MS})
  --no-timings           leave the timings section out of report.json (byte-identical reports)
  --quiet                no progress and no summary tables
  ${REPORTER_HELP}

${exitCodesHelp('no failing pair (a complete report was written)', 'failing pairs: report and example cases written')}`;
}

/** --beta's value as the Python value passed. */
export function betaOption(text: string | undefined): ArgValue {
  if (text === undefined) throw new UsageError('sweep needs --beta <b> (for example --beta 1.0)');
  if (text === 'true' || text === 'True' || text === 'false' || text === 'False') return { type: 'bool', value: text.toLowerCase() === 'true' };
  if (/^-?(0|[1-9][0-9]*)$/.test(text)) return scalarFromJson({ type: 'int', value: text });
  try {
    return scalarFromJson({ type: 'float', value: text });
  } catch {
    throw new UsageError(`--beta must be a float (0.5, 1e-3, inf, nan), an int (3) or a bool (true), got '${text}'`);
  }
}

export interface ParsedSweepArgs extends RunnerChoice, CheckOutputOptions {
  dtype: FloatDType;
  beta: ArgValue;
  shard: Shard | null;
  first: number;
  last: number;
  chunkPatterns: number;
  examples: number;
  profile?: ProfileName;
  tolerance: ToleranceLevel;
  out: string;
  reportDir: string;
}

export function parseSweepArgs(argv: string[]): ParsedSweepArgs | null {
  const { options: o, positionals } = parseOptions(argv, {
    dtype: { type: 'string' },
    beta: { type: 'string' },
    reduction: { type: 'string' },
    shard: { type: 'string' },
    logits: { type: 'string' },
    'chunk-patterns': { type: 'string' },
    examples: { type: 'string' },
    runner: { type: 'string' },
    command: { type: 'string' },
    module: { type: 'string' },
    profile: { type: 'string' },
    tolerance: { type: 'string' },
    out: { type: 'string' },
    'report-dir': { type: 'string' },
    formats: { type: 'string' },
    timeout: { type: 'string' },
    'startup-timeout': { type: 'string' },
    'no-timings': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    reporter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) return null;
  if (positionals.length > 0) throw new UsageError(`sweep takes no positional arguments, got '${positionals[0]}'`);
  const dtype = o.dtype as string | undefined;
  if (dtype === undefined || !(DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`sweep needs --dtype float16 or --dtype bfloat16${dtype === undefined ? '' : `, got '${dtype}'`}`);
  if (o.reduction !== undefined && o.reduction !== 'none') throw new UsageError(`--reduction: a sweep judges each pair's own loss, so it takes only 'none', got '${o.reduction as string}'`);
  let first = 0;
  let last = 0xffff;
  if (o.logits !== undefined) {
    const m = /^([0-9a-fA-F]{1,4})-([0-9a-fA-F]{1,4})$/.exec(o.logits as string);
    if (!m || parseInt(m[1], 16) > parseInt(m[2], 16)) throw new UsageError(`--logits must be a range of hex patterns a-b with a <= b (for example 0000-03ff), got '${o.logits as string}'`);
    first = parseInt(m[1], 16);
    last = parseInt(m[2], 16);
  }
  const out = (o.out as string | undefined) ?? 'smoothl1-sweep-cases';
  const reportDir = (o['report-dir'] as string | undefined) ?? 'smoothl1-sweep-report';
  const parsed: ParsedSweepArgs = {
    ...runnerOption(o),
    dtype: dtype as FloatDType,
    beta: betaOption(o.beta as string | undefined),
    shard: shardOption(o.shard as string | undefined),
    first,
    last,
    chunkPatterns: countOption('chunk-patterns', o['chunk-patterns'] as string | undefined, DEFAULT_CHUNK_PATTERNS, 1, 1024),
    examples: countOption('examples', o.examples as string | undefined, 3, 0, 100),
    tolerance: toleranceOption(o.tolerance as string | undefined),
    out,
    reportDir,
    ...checkOutputOptions(o),
  };
  const profile = profileOption(o.profile as string | undefined);
  if (profile !== undefined) parsed.profile = profile;
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  const a = parseSweepArgs(argv);
  if (a === null) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const reporter = new Reporter(a.reporter, 'smoothl1 sweep');
  return reporter.around(() => runSweep(a, reporter));
}

const hex4 = (p: number) => p.toString(16).padStart(4, '0');

/** beta in an id: its decimal (ints and bools as written). */
function betaLabel(b: ArgValue): string {
  if (b.type === 'float') return formatDecimal('float64', b.value);
  if (b.type === 'int') return b.value.toString();
  return b.type === 'bool' ? String(b.value) : b.type;
}

function flags(a: ParsedSweepArgs, profile: ProfileName): string {
  const f = [`--runner ${shellQuote(a.runner)}`];
  if (a.command !== undefined) f.push(`--command ${shellQuote(a.command)}`);
  if (a.modulePath !== undefined) f.push(`--module ${shellQuote(a.modulePath)}`);
  f.push(`--profile ${profile}`, `--tolerance ${a.tolerance}`, `--timeout ${a.timeoutMs}`);
  if (a.startupGiven) f.push(`--startup-timeout ${a.startupMs}`);
  return f.join(' ');
}

async function runSweep(a: ParsedSweepArgs, reporter: Reporter): Promise<number> {
  const dirProblem = checkReportDir(a.reportDir);
  if (dirProblem) throw new UsageError(`--report-dir: ${dirProblem}`);
  const outProblem = caseDirProblem(a.out);
  if (outProblem) throw new UsageError(`--out: ${outProblem}`);
  const runner = await createChosenRunner(a, { startupMs: a.startupMs, ...(a.profile ? { profile: a.profile } : {}) });
  try {
    await runner.init?.();
  } catch (e) {
    await runner.close?.().catch(() => {});
    throw new UsageError(`runner '${runner.name}' cannot start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const profile = a.profile ?? runner.nativeProfile;
  const reduction: ArgValue = { type: 'str', value: 'none' };
  const label = betaLabel(a.beta);
  const area = `sweep-${a.dtype}`;
  const chunkId = (first: number, last: number) => `${area}/beta-${label}-logits-${hex4(first)}-${hex4(last)}`;
  const total = sweepChunks(a).length;
  if (!a.quiet) process.stderr.write(`sweep: runner ${runner.name}, profile ${profile}, tolerance ${a.tolerance}, ${a.dtype}, beta ${label}: logits 0x${hex4(a.first)}-0x${hex4(a.last)}, ${total} chunks of ${a.chunkPatterns} x 65536 pairs${a.shard ? `, shard ${a.shard.index}/${a.shard.count}` : ''}\n`);

  const stop = new AbortController();
  let signalCode: number | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    signalCode ??= signalExitCode(s === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const show = progressDisplay({ quiet: a.quiet, unit: 'chunks' });
  const limit = timeLimit({ timeoutMs: a.timeoutMs, startupMs: a.startupMs });
  const rerunSweep = (first: number, last: number) => `npx smoothl1 sweep ${flags(a, profile)} --dtype ${a.dtype} --beta ${shellQuote(label)} --logits ${hex4(first)}-${hex4(last)} --chunk-patterns ${a.chunkPatterns}`;
  let outcome: SweepOutcome;
  let alone: boolean[] = [];
  try {
    outcome = await sweep({
      runner,
      profile,
      tolerance: a.tolerance,
      limit,
      dtype: a.dtype,
      beta: a.beta,
      reduction,
      first: a.first,
      last: a.last,
      chunkPatterns: a.chunkPatterns,
      shard: a.shard,
      classNames: PAIR_CLASSES,
      classify: pairClassifier(a.dtype, betaValue(a.beta)),
      examplesPerClass: a.examples,
      caseId: chunkId,
      rerun: (id) => {
        const m = /logits-([0-9a-f]{4})-([0-9a-f]{4})$/.exec(id);
        return m ? rerunSweep(parseInt(m[1], 16), parseInt(m[2], 16)) : `npx smoothl1 sweep ${flags(a, profile)}`;
      },
      signal: stop.signal,
      onResult: (r, done, n) => show.onResult(r, done, n),
    });
    show.end();
    // Each example alone: does the implementation fail the pair in a one-element call too?
    alone = [];
    for (const e of outcome.examples) alone.push(await pairFailsAlone({ runner, profile, tolerance: a.tolerance, limit, dtype: a.dtype, beta: a.beta, reduction }, e.x, e.y, `${area}/example`));
  } catch (e) {
    show.end();
    await runner.close?.().catch(() => {});
    if (e instanceof RunInterrupted) {
      process.stderr.write(`smoothl1: interrupted; no report written (${a.reportDir} keeps the previous one)\n`);
      reporter.problem('interrupted; no report written');
      return signalCode ?? EXIT.sigint;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  await runner.close?.().catch(() => {});

  const examples: SweepSectionJson['examples'] = outcome.examples.map((e, i) => {
    const id = `${area}/beta-${label}-logits-${hex4(e.x)}-labels-${hex4(e.y)}`;
    const t = (p: number): ArgValue => ({ type: 'tensor', tensor: { dtype: a.dtype, shape: [1], data: Uint16Array.of(p) } });
    const json = caseJsonFor(
      { logits: t(e.x), labels: t(e.y), beta: a.beta, reduction },
      {
        id,
        title: `Found by smoothl1 sweep: ${a.dtype} logits 0x${hex4(e.x)}, labels 0x${hex4(e.y)}, beta ${label} (${PAIR_CLASSES[e.class]})`,
        description: `A failing pair of the ${PAIR_CLASSES[e.class]} class, found by smoothl1 sweep of every ${a.dtype} pair with beta ${label} against runner ${runner.name} ${runner.version} under profile ${profile}, tolerance ${a.tolerance}; the implementation ${alone[i] ? 'also fails the pair alone' : 'passes the pair alone (it failed within a large call: a size or position effect)'}. The expected outcomes are the oracle's, for every profile.`,
        tags: ['sweep'],
      },
    );
    writeCaseFile(a.out, id, json);
    return { class: PAIR_CLASSES[e.class], logits: hex4(e.x), labels: hex4(e.y), id, caseFile: join(a.out, `${id}.json`), alone: alone[i] ? 'fails' : 'passes' };
  });
  const section: SweepSectionJson = {
    dtype: a.dtype,
    beta: scalarToJson(a.beta as Exclude<ArgValue, { type: 'tensor' }>),
    reduction: 'none',
    logits: { first: hex4(a.first), last: hex4(a.last) },
    chunkPatterns: a.chunkPatterns,
    chunks: outcome.chunks,
    chunksDone: outcome.chunksDone,
    pairs: outcome.pairs,
    failingPairs: outcome.failingPairs,
    classes: PAIR_CLASSES.map((name, i) => ({ name, pairs: outcome.classPairs[i], failing: outcome.classFailing[i] })),
    examples,
  };
  const report = searchReport({
    runner: { name: runner.name, version: runner.version },
    profile,
    tolerance: a.tolerance,
    definition: { search: 'smoothl1 sweep', profile, tolerance: a.tolerance, dtype: a.dtype, beta: section.beta, reduction: 'none', logits: section.logits, chunkPatterns: a.chunkPatterns },
    size: outcome.chunks,
    seed: null,
    shard: a.shard,
    results: outcome.results,
    timings: a.timings ? { startedAt: outcome.startedAt, totalMs: outcome.totalMs, checkMs: outcome.checkMs, cases: outcome.caseMs } : null,
    sweep: section,
  });
  const written = writeReports(a.reportDir, report, a.formats);
  reporter.summary(report, a.quiet);
  process.stdout.write(sweepText(section));
  if (!a.quiet) process.stdout.write(`reports: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}\n`);
  return outcome.failingPairs > 0 || report.summary.failed > 0 ? EXIT.failed : EXIT.ok;
}
