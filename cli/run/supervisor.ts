/**
 * The supervisor of `smoothl1 run`: everything that decides what the user sees and what
 * the exit code says happens on this thread, which never runs a case itself.
 *
 * Before the first case: the expectations file, the corpus, the selection and the report
 * folder are checked (usage errors exit 2, an invalid corpus exits 1). The cases then run
 * in a worker thread (cli/run/worker.ts). This thread answers SIGINT / SIGTERM within
 * moments whatever the worker is doing: it asks the worker to stop, terminates it after a
 * short grace, kills every implementation process group the worker started, writes no
 * report (the previous set stays) and exits 130 / 143. Exit 0 requires a complete report,
 * written, in which every case met its expectation.
 */
import { relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compiledSibling } from '../../common/compiled-path.js';
import { killGroup } from '../../common/process-groups.js';
import { readSpecJson } from '../../common/spec-data.js';
import type { LoadedCase } from '../../common/types.js';
import { ExpectationsError, loadExpectations, type Expectations } from '../../harness/expectations.js';
import { buildReport } from '../../harness/run.js';
import { checkReportDir, writeReports } from '../../reports/index.js';
import type { ParsedRunArgs } from '../commands/run.js';
import { UsageError } from '../usage.js';
import { EXIT, signalExitCode } from '../exit-codes.js';
import { loadCorpusOption, selectedCases } from '../options.js';
import { progressDisplay } from '../progress.js';
import type { Reporter } from '../reporter.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

/** How long a worker asked to stop may take before it is terminated. */
const STOP_GRACE_MS = 500;

/**
 * Terminates the worker, waiting at most a second: termination interrupts JavaScript at
 * once, but a native call in progress finishes first, and nothing may hold the exit.
 */
function terminate(worker: Worker): Promise<void> {
  return Promise.race([worker.terminate().then(() => undefined), new Promise<void>((r) => setTimeout(r, 1000).unref())]);
}

/** A problem that ends the run without a report: one message on stderr, and an annotation with --reporter github. */
function fail(reporter: Reporter, message: string): void {
  process.stderr.write(`smoothl1: ${message}\n`);
  reporter.problem(message);
}

export async function superviseRun(a: ParsedRunArgs, reporter: Reporter): Promise<number> {
  let expectations: Expectations | null = null;
  if (a.expectationsFile !== undefined) {
    try {
      expectations = loadExpectations(a.expectationsFile);
    } catch (e) {
      if (e instanceof ExpectationsError) throw new UsageError(e.message);
      throw e;
    }
  }
  const corpus = loadCorpusOption(a.casesDir, { consequence: 'nothing was run', quiet: a.quiet, report: (m) => fail(reporter, m) });
  if (corpus === null) return EXIT.failed;
  const selected = selectedCases(corpus, a.filters, a.shard);
  // Results are only worth a run if they can be kept.
  const dirProblem = checkReportDir(a.reportDir);
  if (dirProblem) throw new UsageError(`--report-dir: ${dirProblem}`);

  const show = progressDisplay({ quiet: a.quiet });
  const groups = new Set<number>();
  const input: WorkerInput = { args: a, cases: selected };
  const worker = new Worker(compiledSibling(import.meta.url, './worker.js'), { workerData: input, stdout: false, stderr: false });

  let signalCode: number | undefined;
  const ending = new Promise<RunEnd>((resolveEnd) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      signalCode ??= signalExitCode(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
      const finish = () => resolveEnd({ type: 'signal' });
      if (stopping) {
        // A second signal: no more grace.
        void terminate(worker).finally(finish);
        return;
      }
      stopping = true;
      worker.postMessage({ type: 'stop' });
      setTimeout(() => void terminate(worker).finally(finish), STOP_GRACE_MS).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const detach = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'group') {
        if (m.alive) groups.add(m.pid);
        else groups.delete(m.pid);
      } else if (m.type === 'result') show.onResult(m.result, m.done, m.total);
      else if (m.type === 'start') show.onStart(m.caseId, m.done, m.total);
      else if (!stopping || m.type === 'stopped') {
        detach();
        resolveEnd(m);
      }
    });
    worker.on('error', (e) => {
      detach();
      resolveEnd({ type: 'crashed', message: e instanceof Error ? e.message : String(e) });
    });
    worker.on('exit', (code) => {
      detach();
      resolveEnd(stopping ? { type: 'signal' } : { type: 'crashed', message: `the run's worker thread ended (code ${code}) without a result` });
    });
  });
  // A case can run for minutes (a 10^8-element tensor): the display says which, and for
  // how long, between results too.
  const heartbeat = setInterval(() => show.tick(), 1000);
  heartbeat.unref();
  const end = await ending;
  clearInterval(heartbeat);
  show.end();
  // Whatever the worker left running goes now.
  for (const pid of groups) killGroup(pid);
  await terminate(worker);
  // The run is over: a signal from here on neither cuts the report set's swap short nor
  // changes the outcome (the write is synchronous; the handler runs after it).
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  try {
    return finishRun(a, reporter, end, signalCode, corpus, selected, expectations);
  } finally {
    process.removeListener('SIGINT', ignore);
    process.removeListener('SIGTERM', ignore);
  }
}

type RunEnd = WorkerMessage | { type: 'signal' } | { type: 'crashed'; message: string };

/** Turns how the worker ended into the report, the summary and the exit code. */
function finishRun(a: ParsedRunArgs, reporter: Reporter, end: RunEnd, signalCode: number | undefined, corpus: LoadedCase[], selected: LoadedCase[], expectations: Expectations | null): number {
  switch (end.type) {
    case 'signal':
    case 'stopped': {
      fail(reporter, `interrupted; no report written (${a.reportDir} keeps the previous one)`);
      return signalCode ?? EXIT.sigint;
    }
    case 'crashed':
      fail(reporter, `internal error: ${end.message.split('\n', 1)[0]}`);
      return EXIT.internal;
    case 'fail':
      if (end.code === EXIT.usage) throw new UsageError(end.message);
      fail(reporter, end.message);
      return end.code;
    case 'done':
      break;
    default:
      return EXIT.internal;
  }
  const run = end.outcome;
  if (run.results.length !== selected.length) {
    fail(reporter, `internal error: ${run.results.length} results for ${selected.length} selected cases; no report written`);
    return EXIT.internal;
  }
  const report = buildReport(
    {
      toolVersion: readSpecJson<{ version: string }>('package.json').version,
      runner: end.runner,
      profile: end.profile,
      tolerance: a.tolerance,
      corpus,
      filters: a.filters,
      shard: a.shard,
      seed: a.seed,
      expectations,
      timings: a.timings,
    },
    run,
  );
  let written: string[];
  try {
    written = writeReports(a.reportDir, report, a.formats);
  } catch (e) {
    fail(reporter, `internal error: the reports could not be written to ${a.reportDir}: ${(e as Error).message}`);
    return EXIT.internal;
  }
  reporter.summary(report, a.quiet);
  if (!a.quiet) process.stdout.write(`reports: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}\n`);
  const s = report.summary;
  return s.failed + s.unexpectedPasses > 0 ? EXIT.failed : EXIT.ok;
}
