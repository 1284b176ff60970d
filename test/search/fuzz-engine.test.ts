/**
 * The search engine (search/fuzz.ts) with SmoothL1Loss's input space: deterministic for a
 * seed, the time limit honoured between calls, the first failure shrunk to a smaller call
 * that still fails, a found call written as a case file that the corpus loader accepts and
 * that `run` judges the same way; and the input space itself: every profile's documented
 * errors and every value recipe are drawn, sizes stay within --max-elements and cluster
 * at powers of two and block sizes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { isUnexpected } from '../../harness/results.js';
import { timeLimit } from '../../harness/time-limit.js';
import { expectOutcome } from '../../oracle/index.js';
import { runnerFromFunction, type SmoothL1Function } from '../../runners/module/index.js';
import { caseJsonFor, writeCaseFile } from '../../search/case-file.js';
import { fuzz, type FuzzOutcome } from '../../search/fuzz.js';
import { buildCall, callPlans, shapeOf, smoothL1Space, type CallPlan } from '../../search/operator/index.js';
import { VALUE_RECIPES } from '../../search/operator/plan.js';
import { biasFor, randomFor, RunSeeds } from '../../search/random.js';
import { numel } from '../../common/tensor.js';
import type { ProfileName } from '../../common/types.js';
// @ts-expect-error a plain ES module fixture (an implementation as a third party writes one)
import { CORRECT } from '../fixtures/fuzz/correct.mjs';

const float64Impl = CORRECT.float64 as SmoothL1Function;
const tmp = mkdtempSync(join(tmpdir(), 'smoothl1-fuzz-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function search(fn: SmoothL1Function, o: { seed: number; runs: number; maxElements?: number; profile?: ProfileName; deadline?: number }): Promise<FuzzOutcome<CallPlan>> {
  const profile = o.profile ?? 'cpu';
  return fuzz({
    runner: runnerFromFunction(fn, { name: 'impl', nativeProfile: profile }),
    space: smoothL1Space({ profile, maxElements: o.maxElements ?? 64 }),
    profile,
    tolerance: 'standard',
    seed: o.seed,
    runs: o.runs,
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
    limit: timeLimit(),
    caseId: (c, r) => `${c}/seed-${o.seed}-run-${r}`,
    rerun: (id) => `rerun ${id}`,
  });
}

/** Wrong (doubled, plus 1) wherever an output element is computed from a float64 logits element above 100 (a 'none' output). */
const wrongAbove100: SmoothL1Function = (args, ctx) => {
  const out = float64Impl(args, ctx) as { dtype: string; shape: number[]; data: Float64Array };
  const x = args.logits.type === 'tensor' ? args.logits.tensor : undefined;
  if (x?.dtype === 'float64' && out.dtype === 'float64' && out.data.length === x.data.length) {
    const data = Float64Array.from(out.data);
    for (let i = 0; i < data.length; i++) if ((x.data as Float64Array)[i] > 100) data[i] = 2 * data[i] + 1;
    return { ...out, data };
  }
  return out;
};

describe('search engine', () => {
  it('is deterministic for a seed: the same calls, statuses and finding; another seed draws other calls', async () => {
    const a = await search(wrongAbove100, { seed: 11, runs: 400 });
    const b = await search(wrongAbove100, { seed: 11, runs: 400 });
    const c = await search(wrongAbove100, { seed: 12, runs: 400 });
    const strip = (o: FuzzOutcome<CallPlan>) => JSON.stringify({ results: o.results, run: o.finding?.run, plan: o.finding?.plan }, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    expect(strip(a)).toBe(strip(b));
    expect(strip(a)).not.toBe(strip(c));
  });

  it('finds a failure, and shrinks it to a smaller call that still fails, as small as the drawn elements allow', async () => {
    const o = await search(wrongAbove100, { seed: 3, runs: 2000 });
    expect(o.end).toBe('failure');
    const f = o.finding!;
    expect(isUnexpected(f.found.result.status)).toBe(true);
    expect(f.result.status).toBe('wrong-value');
    expect(f.shrinkEnd).toBe('minimal');
    expect(f.shrinkSteps).toBeGreaterThan(0);
    // Elements are drawn in order from the plan's seed, so fewer elements keep a prefix:
    // the minimal call ends at its only failing element, and is smaller than the call
    // first drawn.
    const x = f.args.logits;
    if (x.type !== 'tensor') throw new Error('expected a tensor');
    expect(f.result.details?.elements?.map((e) => e.index)).toEqual([numel(x.tensor.shape) - 1]);
    expect((x.tensor.data as Float64Array).at(-1)).toBeGreaterThan(100);
    expect(f.plan.shape.size).toBeLessThan(f.found.plan.shape.size);
    // The results end with the shrunk failure, one entry per drawn call.
    expect(o.results.length).toBe(f.run);
    expect(o.results.at(-1)).toBe(f.result);
    expect(o.results.slice(0, -1).every((r) => r.status === 'pass')).toBe(true);
  });

  it('draws nothing once the time is up, and stops at --runs otherwise', async () => {
    const late = await search(float64Impl, { seed: 1, runs: 1000, deadline: 0 });
    expect(late).toMatchObject({ runsDone: 0, end: 'time-limit', results: [] });
    const few = await search(float64Impl, { seed: 1, runs: 25 });
    expect(few).toMatchObject({ runsDone: 25, end: 'runs' });
    expect(few.results).toHaveLength(25);
  });

  it('lists the first passing calls one by one and counts the rest per area, dtype and reduction', async () => {
    const o = await fuzz({
      runner: runnerFromFunction(float64Impl, { name: 'impl', nativeProfile: 'cpu' }),
      space: smoothL1Space({ profile: 'cpu', maxElements: 16 }),
      profile: 'cpu',
      tolerance: 'standard',
      seed: 4,
      runs: 60,
      maxListed: 10,
      limit: timeLimit(),
      caseId: (c, r) => `${c}/seed-4-run-${r}`,
      rerun: (id) => id,
    });
    expect(o.runsDone).toBe(60);
    const listed = o.results.filter((r) => /\/seed-4-run-\d+$/.test(r.id));
    const grouped = o.results.filter((r) => /\/more-/.test(r.id));
    expect(listed).toHaveLength(10);
    expect(grouped.length + listed.length).toBe(o.results.length);
    const counted = grouped.reduce((n, r) => n + Number(/^(\d+) more call/.exec(r.reason)![1]), 0);
    expect(counted).toBe(50);
    expect(new Set(grouped.map((r) => r.id)).size).toBe(grouped.length);
  });

  it('writes a found call as a case file the corpus loader accepts, with the oracle outcome of every profile; run judges it the same way', async () => {
    const f = (await search(wrongAbove100, { seed: 3, runs: 2000 })).finding!;
    const dir = join(tmp, 'found');
    const json = caseJsonFor(f.args, { id: f.result.id, title: 'found', description: 'a test', tags: ['fuzz'] });
    writeCaseFile(dir, f.result.id, json);
    const [c] = loadCorpus(dir);
    expect(c.id).toBe(f.result.id);
    const withoutDecimals = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'decimal' ? undefined : v)));
    expect(withoutDecimals(JSON.parse(readFileSync(c.file, 'utf8')).expected.cpu)).toEqual(expectOutcome(f.args, 'cpu'));
    for (const p of ['gpu', 'ascend'] as const) expect(c.expected[p]).toBeDefined();
    const judge = async (fn: SmoothL1Function) => (await runCases({ runner: runnerFromFunction(fn), cases: [c], profile: 'cpu', tolerance: 'standard', rerunPrefix: 'x' })).results[0].status;
    expect(await judge(wrongAbove100)).toBe('wrong-value');
    expect(await judge(float64Impl)).toBe('pass');
  });
});

describe("SmoothL1Loss's input space", () => {
  function draw(profile: ProfileName, maxElements: number, count: number): CallPlan[] {
    const arb = callPlans({ profile, maxElements });
    const seeds = new RunSeeds(7);
    return Array.from({ length: count }, (_, i) => arb.generate(randomFor(seeds.next()), biasFor(i)).value);
  }

  it('reaches every documented error and every value recipe, under each profile', () => {
    for (const profile of ['cpu', 'gpu', 'ascend'] as const) {
      const kinds = new Set<string>();
      const recipes = new Set<string>();
      for (const plan of draw(profile, 300, 3000)) {
        recipes.add(plan.values.recipe);
        const o = expectOutcome(buildCall(plan).args, profile, { withBits: false });
        const collect = (x: typeof o): void => {
          if ('error' in x && x.kind) kinds.add(x.kind);
          if ('anyOf' in x) x.anyOf.forEach(collect);
        };
        collect(o);
      }
      const expected = ['input-not-tensor', 'unsupported-dtype', 'shape-mismatch', 'invalid-reduction', 'beta-bad-type', 'beta-out-of-range'];
      if (profile === 'gpu') expected.push('dtype-mismatch');
      expect([...kinds].sort()).toEqual(expected.sort());
      expect([...recipes].sort()).toEqual([...VALUE_RECIPES].sort());
    }
  });

  it('keeps sizes within --max-elements, with ranks 0 to 8, and draws sizes next to powers of two and block sizes', () => {
    const plans = draw('cpu', 70000, 3000);
    const sizes = plans.map((p) => numel(shapeOf(p.shape)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(70000);
    expect(new Set(plans.map((p) => p.shape.rank))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    const nearPow2 = sizes.filter((n) => n > 64 && [...Array(17).keys()].some((e) => Math.abs(n - 2 ** e) <= 9 && n !== 2 ** e));
    expect(nearPow2.length).toBeGreaterThan(100);
    expect(sizes.filter((n) => n > 65536).length).toBeGreaterThan(10);
    expect(sizes.filter((n) => n === 0).length).toBeGreaterThan(10);
  });
});
