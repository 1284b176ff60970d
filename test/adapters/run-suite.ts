/**
 * Shared by the adapter tests: run the corpus on a runner through the real engine
 * (harness/run.ts, as `smoothl1 run` does) and describe what did not go as expected.
 *
 * The large/ area is left out: its 65,536-element cases cost seconds of exact-oracle time
 * per run, and these tests run the corpus several times. The CLI runs behind
 * `npm run conformance:*` and the published reports cover the whole corpus.
 */
import { spawnSync } from 'node:child_process';
import type { ProfileName, Runner } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { loadExpectations } from '../../harness/expectations.js';
import { isUnexpected, type CaseResultJson } from '../../harness/results.js';
import { runCases, type RunOutcome } from '../../harness/run.js';

export async function runSuite(runner: Runner, opts: { profile?: ProfileName; expectations?: string; timeoutMs?: number } = {}): Promise<RunOutcome & { unexpected: CaseResultJson[]; ran: number }> {
  const profile = opts.profile ?? 'cpu';
  const cases = loadCorpus().filter((c) => !isSlow(c.id));
  const run = await runCases({
    runner,
    cases,
    profile,
    tolerance: 'standard',
    timeoutMs: opts.timeoutMs ?? 30_000,
    expectations: opts.expectations ? loadExpectations(opts.expectations) : null,
    rerunPrefix: 'npx smoothl1 run',
  });
  const unexpected = run.results.filter((r) => isUnexpected(r.status));
  return { ...run, unexpected, ran: run.results.filter((r) => r.status !== 'skipped').length };
}

/** Cases these tests leave out (see the header). */
export function isSlow(id: string): boolean {
  return id.startsWith('large/');
}

/** One line per unexpected result, for assertion messages. */
export function describeUnexpected(rs: CaseResultJson[], max = 15): string {
  return rs.slice(0, max).map((r) => `${r.id}: ${r.status}: ${r.reason}`).join('\n') + (rs.length > max ? `\n... and ${rs.length - max} more` : '');
}

/** Whether /usr/bin/python3 can import a module (Debian packages install there only). */
export function pythonHas(module: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}
