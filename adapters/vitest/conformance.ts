/**
 * Vitest integration: check a JavaScript implementation from its own test suite.
 *
 *   // my-impl.conformance.test.ts
 *   import { defineConformanceSuite } from 'smoothl1-conformance/dist/adapters/vitest/conformance.js';
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
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../../common/types.js';
import { tolerancesSpec } from '../../common/spec-data.js';
import { filterCases, loadCorpus, materialize } from '../../harness/cases/index.js';
import { Checker, type CheckOutcome } from '../../harness/check.js';
import { ExpectationMatcher, loadExpectations } from '../../harness/expectations.js';
import { callWithTimeout } from '../../harness/run.js';
import { runnerFromFunction, type SmoothL1Function } from '../../runners/module/index.js';

export interface ConformanceSuiteOptions {
  /** The documented platform whose behaviour is checked. Default 'cpu'. */
  profile?: ProfileName;
  /** Acceptance level (spec/tolerances.json). Default: the spec's default level. */
  tolerance?: ToleranceLevel;
  /** Case selection, as `smoothl1 run --filter` (id globs, folders, tags; comma-separated). */
  filter?: string;
  /** A further selection in code, applied after `filter`. */
  select?: (c: LoadedCase) => boolean;
  /** Expectations file listing known failures (spec/expectations.schema.json). */
  expectations?: string;
  /** Corpus folder. Default: the package's cases/. */
  casesDir?: string;
  /** Per-case time limit. Default 10 000 ms. */
  timeoutMs?: number;
  /** Title of the generated describe block. */
  title?: string;
}

function explain(c: LoadedCase, o: CheckOutcome): string {
  const lines = [`${c.id}: ${o.status}: ${o.reason}`];
  const d = o.details;
  if (d) {
    lines.push(`  expected: ${d.expected}`, `  actual:   ${d.actual}`);
    for (const e of d.elements ?? []) lines.push(`  [${e.index}] expected ${e.expected} in [${e.lo}, ${e.hi}], got ${e.actual} (${e.actualHex}), ${e.ulpError} ulp`);
    if (d.message) lines.push(`  message: ${d.message.split('\n', 1)[0]}`);
    lines.push(`  rerun: ${d.rerun}`);
  }
  return lines.join('\n');
}

/**
 * Defines one vitest test per case of the corpus (after `filter`) that applies to the
 * profile. `impl` is a smoothL1Loss function (module runner signature) or a Runner.
 */
export function defineConformanceSuite(impl: SmoothL1Function | Runner, options: ConformanceSuiteOptions = {}): void {
  const profile = options.profile ?? 'cpu';
  const tolerance = options.tolerance ?? tolerancesSpec().default;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const runner: Runner = typeof impl === 'function' ? runnerFromFunction(impl) : impl;
  const all = options.casesDir ? loadCorpus(options.casesDir) : loadCorpus();
  const cases = filterCases(all, options.filter).filter((c) => c.profiles.includes(profile) && (options.select ? options.select(c) : true));
  if (cases.length === 0) throw new Error(`defineConformanceSuite: no case applies to profile ${profile}${options.filter ? ` with filter ${JSON.stringify(options.filter)}` : ''}`);
  const matcher = options.expectations ? new ExpectationMatcher(loadExpectations(options.expectations)) : undefined;
  const checker = new Checker({ profile, tolerance, rerunPrefix: `npx smoothl1 run --profile ${profile} --tolerance ${tolerance}` });
  const title = options.title ?? `SmoothL1Loss conformance: ${runner.name} (profile ${profile}, ${tolerance})`;

  describe(title, () => {
    beforeAll(async () => {
      await runner.init?.();
    });
    afterAll(async () => {
      await runner.close?.();
    });
    for (const c of cases) {
      test(c.id, async () => {
        const args = materialize(c);
        const answer = await callWithTimeout(runner, args, profile, c.id, timeoutMs);
        // No stop signal is passed, so 'interrupted' cannot happen; the check keeps the types honest.
        if (answer.kind === 'interrupted') throw new Error(`${c.id}: interrupted`);
        const outcome = answer.kind === 'answer' ? await checker.check(c, args, answer.result) : checker.unanswered(c, args, answer.kind, answer.message);
        const verdict = matcher?.apply(c.id, profile, outcome.status);
        if (verdict?.status === 'expected-failure') return;
        if (verdict?.status === 'unexpected-pass') throw new Error(`${c.id}: listed as a known failure (${verdict.entry.reason}) but passed: remove it from ${options.expectations}`);
        if (outcome.status !== 'pass') throw new Error(explain(c, outcome));
      }, timeoutMs + 5_000);
    }
  });
}
