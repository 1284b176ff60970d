/**
 * The proof that the search works (issue 10), the part that runs on every `npm test`:
 * each seeded faulty implementation (test/fixtures/fuzz/faulty.mjs, one per bug class) is
 * found by the fuzz engine within its budget with its CI seed (test/fixtures/fuzz/proof.mjs),
 * and what it finds is the fault, not a false alarm: the three correct implementations
 * pass the minimal failing call. The correct implementations get no failure from the
 * same budgets. `npm run proof:fuzz` runs all of it over 20 seeds (reports/fuzz-proof.json).
 */
import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/case-step.js';
import { Checker } from '../../harness/check.js';
import { isUnexpected } from '../../harness/results.js';
import { timeLimit } from '../../harness/time-limit.js';
import { runnerFromFunction, type SmoothL1Function } from '../../runners/module/index.js';
import { fuzz, searchCase } from '../../search/fuzz.js';
import { smoothL1Space } from '../../search/operator/index.js';
import type { CallArgs, ProfileName } from '../../common/types.js';
// @ts-expect-error plain ES module fixtures (implementations as a third party writes them)
import { CORRECT } from '../fixtures/fuzz/correct.mjs';
// @ts-expect-error plain ES module fixtures
import { FAULTY } from '../fixtures/fuzz/faulty.mjs';
// @ts-expect-error plain ES module fixtures
import { BUDGETS, FAULTS, PROFILE } from '../fixtures/fuzz/proof.mjs';

type Budget = { runs: number; maxElements: number };
const budgets = BUDGETS as Record<string, Budget>;
const correct = CORRECT as Record<string, SmoothL1Function>;
const faulty = FAULTY as Record<string, SmoothL1Function>;
const profile = PROFILE as ProfileName;

function search(fn: SmoothL1Function, name: string, budget: Budget, seed: number) {
  return fuzz({
    runner: runnerFromFunction(fn, { name, nativeProfile: profile }),
    space: smoothL1Space({ profile, maxElements: budget.maxElements }),
    profile,
    tolerance: 'standard',
    seed,
    runs: budget.runs,
    limit: timeLimit(),
    caseId: (c, r) => `${c}/seed-${seed}-run-${r}`,
    rerun: (id) => id,
  });
}

async function fails(fn: SmoothL1Function, args: CallArgs): Promise<boolean> {
  const step = await runCase(searchCase('proof/minimal', args, profile), { runner: runnerFromFunction(fn, { nativeProfile: profile }), checker: new Checker({ profile, tolerance: 'standard', rerunPrefix: '' }), profile, limit: timeLimit() }, args);
  return isUnexpected(step.result.status);
}

describe('fuzz proof: every seeded fault is found within its budget', () => {
  // Faults marked `after` wait for part A of issue 10 (the acceptance model admitted them); until it lands they are not listed here.
  for (const f of (FAULTS as { name: string; budget: string; seed: number; after?: string }[]).filter((x) => !x.after)) {
    const budget = budgets[f.budget];
    it(`${f.name}: seed ${f.seed}, --runs ${budget.runs} --max-elements ${budget.maxElements}`, async () => {
      const o = await search(faulty[f.name], f.name, budget, f.seed);
      expect(o.finding, `not found in ${o.runsDone} calls`).toBeDefined();
      const { args } = o.finding!;
      expect(await fails(faulty[f.name], args)).toBe(true);
      for (const [name, fn] of Object.entries(correct)) expect(await fails(fn, args), `correct implementation ${name} fails the minimal call too`).toBe(false);
    });
  }
});

describe('fuzz proof: correct implementations are not failed', () => {
  for (const name of Object.keys(correct)) {
    it(`${name}: seeds 1 and 3 with the small budget`, async () => {
      for (const seed of [1, 3]) {
        const o = await search(correct[name], name, budgets.small, seed);
        expect(o.finding?.result.reason, `seed ${seed}: ${o.finding?.result.id}`).toBeUndefined();
        expect(o.runsDone).toBe(budgets.small.runs);
      }
    });
  }
});
