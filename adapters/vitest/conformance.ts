/**
 * Vitest integration: check a JavaScript implementation from its own test suite.
 *
 *   // my-impl.conformance.test.ts
 *   import { defineConformanceSuite } from 'smoothl1-conformance/vitest';
 *   import { smoothL1Loss } from '../src/loss.js';
 *   defineConformanceSuite(smoothL1Loss, { profile: 'cpu', tolerance: 'standard' });
 *
 * One vitest `test` per selected case, named by case id, so a failure reads like any
 * other test failure (with the rerun filter and the failing elements).
 *
 * This is harness-side code (it loads the corpus and runs the checking engine, as cli/
 * does), so it lives outside runners/, whose files must never import harness/ or oracle/
 * (test/architecture.test.ts). The implementation it checks still sees only the call
 * arguments, never the expected outcome.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../../common/types.js';
import { tolerancesSpec } from '../../common/spec-data.js';
import { loadCorpus, selectCases } from '../../harness/cases/index.js';
import { runCase } from '../../harness/case-step.js';
import { Checker, shellQuote } from '../../harness/check.js';
import { ExpectationMatcher, loadExpectations } from '../../harness/expectations.js';
import { assertStoredOutcomes } from '../../harness/stored-outcomes.js';
import type { CaseResultJson } from '../../harness/results.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS, timeLimit } from '../../harness/time-limit.js';
import { runnerFromFunction, type SmoothL1Function } from '../../runners/module/function.js';

export interface ConformanceSuiteOptions {
  /** The documented platform whose behaviour is checked. Default 'cpu'. */
  profile?: ProfileName;
  /** Acceptance level (spec/tolerances.json). Default: the spec's default level. */
  tolerance?: ToleranceLevel;
  /**
   * Case selection, as `smoothl1 run --filter` (id globs, folders, tags; commas mean or);
   * several filters must all match (and). A filter that matches no case is an error.
   */
  filter?: string | string[];
  /** A further selection in code, applied after `filter`. */
  select?: (c: LoadedCase) => boolean;
  /** Expectations file listing known failures (spec/expectations.schema.json). */
  expectations?: string;
  /** Corpus folder. Default: the package's cases/. */
  casesDir?: string;
  /** Per-case time limit (default: the harness's, harness/time-limit.ts). */
  timeoutMs?: number;
  /** Title of the generated describe block. */
  title?: string;
}

function explain(r: CaseResultJson): string {
  const lines = [`${r.id}: ${r.status}: ${r.reason}`];
  const d = r.details;
  if (d) {
    lines.push(`  expected: ${d.expected}`, `  actual:   ${d.actual}`);
    for (const e of d.elements ?? []) lines.push(`  [${e.index}] expected ${e.expected} in [${e.lo}, ${e.hi}], got ${e.actual} (${e.actualHex}), ${e.ulpError} ulp`);
    if (d.message) lines.push(`  message: ${d.message.split('\n', 1)[0]}`);
    lines.push(`  rerun: ${d.rerun}`);
  }
  return lines.join('\n');
}

/**
 * The rerun hint of a generated test names the user's own test file and the case's test,
 * not the CLI (which would check the in-repo CPU kernel, not this implementation).
 */
function vitestRerun(id: string): string {
  const file = expect.getState().testPath;
  return `npx vitest run ${file ? shellQuote(relative(process.cwd(), file) || file) : '<your test file>'} -t ${shellQuote(id)}`;
}

/**
 * Defines one vitest test per case of the corpus (selected by `filter`) that applies to the
 * profile. `impl` is a smoothL1Loss function (module runner signature) or a Runner. It is
 * called in the test's own process (use \`smoothl1 run --runner module\` to isolate code
 * that may exit, hang or crash the process); it gets its own copy of the inputs, and its
 * answer is checked by the same per-case step as \`smoothl1 run\` (harness/case-step.ts).
 */
export function defineConformanceSuite(impl: SmoothL1Function | Runner, options: ConformanceSuiteOptions = {}): void {
  const profile = options.profile ?? 'cpu';
  const tolerance = options.tolerance ?? tolerancesSpec().default;
  const limit = timeLimit({ timeoutMs: options.timeoutMs });
  const runner: Runner = typeof impl === 'function' ? runnerFromFunction(impl) : impl;
  const all = options.casesDir ? loadCorpus(options.casesDir) : loadCorpus();
  const filters = options.filter === undefined ? [] : typeof options.filter === 'string' ? [options.filter] : options.filter;
  const cases = selectCases(all, filters).filter((c) => c.profiles.includes(profile) && (options.select ? options.select(c) : true));
  if (cases.length === 0) throw new Error(`defineConformanceSuite: no case applies to profile ${profile}${filters.length ? ` with filter ${filters.map((f) => `'${f}'`).join(' and ')}` : ''}`);
  const matcher = options.expectations ? new ExpectationMatcher(loadExpectations(options.expectations)) : undefined;
  const checker = new Checker({ profile, tolerance, rerunPrefix: '', rerun: vitestRerun });
  const title = options.title ?? `SmoothL1Loss conformance: ${runner.name} (profile ${profile}, ${tolerance})`;
  // vitest's own limit must leave room for the harness's (and the check of a large case).
  const testTimeout = limit.timeoutMs + limit.startupMs + 60_000;

  describe(title, () => {
    beforeAll(async () => {
      // As smoothl1 run and checkConformance: a stored outcome the oracle does not derive
      // is a corpus defect, reported before the implementation is blamed for anything.
      assertStoredOutcomes(cases, profile);
      await runner.init?.();
    });
    afterAll(async () => {
      await runner.close?.();
    });
    for (const c of cases) {
      test(c.id, async () => {
        const { result } = await runCase(c, { runner, checker, profile, limit, matcher, expectationsFile: options.expectations });
        if (result.status === 'expected-failure' || result.status === 'pass') return;
        throw new Error(explain(result));
      }, testTimeout);
    }
  });
}

export { DEFAULT_TIMEOUT_MS, DEFAULT_STARTUP_MS };
