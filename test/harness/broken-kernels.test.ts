/**
 * Deliberately broken kernels: does the suite catch them? Each variant wraps the real CPU
 * runner (runners/cpu): the real runner validates the call (so errors stay right) and
 * decides the output dtype and shape, and the variant replaces the values with its own
 * arithmetic on the inputs, through runners/validation.ts's normalised call (beta as its
 * float32 value, the promoted compute dtype).
 *
 * - baseline: the formula as documented, in float64 in an order that cannot overflow where
 *   the loss does not, rounded once: must pass everything
 *   (this shows the wrapper itself is sound, so a failure below is the defect's);
 * - no-beta-divide: 0.5 d^2 instead of 0.5 d^2 / beta;
 * - huber: Huber's loss (0.5 d^2, beta (|d| - 0.5 beta)) instead of SmoothL1;
 * - mean-n-minus-1: mean divides by n - 1;
 * - less-or-equal: |d| <= beta picks the quadratic branch: the two branches meet at
 *   |d| = beta (both 0.5 beta), so this must still pass;
 * - float16-throughout: float16 inputs computed with every operation, beta and the
 *   accumulator rounded to float16 (the standard level allows half-precision elementwise
 *   arithmetic but not half-precision accumulation or spurious intermediate overflow).
 * The real CPU runner must pass the whole corpus.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallArgs, FloatDType, LoadedCase, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { floatFormat } from '../../common/float-format.js';
import { elementToNumber, numel, tensorFromNumbers } from '../../common/tensor.js';
import { loadCorpus, materialize } from '../../harness/cases/index.js';
import { Checker } from '../../harness/check.js';
import { runCases } from '../../harness/run.js';
import type { RunOutcome } from '../../harness/run.js';
import { isUnexpected } from '../../harness/results.js';
import type { CaseResultJson } from '../../harness/results.js';
import { failureText } from '../../reports/text.js';
import { createRunner as createCpuRunner } from '../../runners/cpu/index.js';
import { validateCall } from '../../runners/validation.js';

type Variant = 'baseline' | 'no-beta-divide' | 'huber' | 'mean-n-minus-1' | 'less-or-equal' | 'float16-throughout';

/** Round a double to a dtype (nearest-even), as a double. */
const roundTo = (dtype: FloatDType, x: number) => {
  const f = floatFormat(dtype);
  return f.decode(f.encode(x));
};

function brokenValues(variant: Variant, args: CallArgs, profile: RunContext['profile'], real: Tensor): Tensor {
  const v = validateCall(args, profile);
  if (!v.ok) throw new Error('validation disagrees with the real runner');
  const { logits, labels, beta, reduction, computeDtype } = v.call;
  const n = numel(logits.shape);
  const half = variant === 'float16-throughout' && computeDtype === 'float16';
  // Working precision: float64 (then one rounding), or float16 at every step.
  const r = half ? (x: number) => roundTo('float16', x) : (x: number) => x;
  const b = r(beta);
  const loss = (x: number, y: number, bb = b): number => {
    const d = r(x - y);
    // x - y beyond the working range although x and y are finite (1.7e308 - (-1.7e308)):
    // the documented loss is homogeneous, L(d; beta) = 2 L(d/2; beta/2)
    if (!Number.isFinite(d) && Number.isFinite(x) && Number.isFinite(y) && variant !== 'no-beta-divide' && variant !== 'huber') return r(2 * loss(x / 2, y / 2, bb / 2));
    const ad = Math.abs(d);
    const quad = variant === 'less-or-equal' ? ad <= bb : ad < bb;
    switch (variant) {
      case 'no-beta-divide':
        return quad ? 0.5 * ad * ad : ad - 0.5 * bb;
      case 'huber':
        return quad ? 0.5 * ad * ad : bb * (ad - 0.5 * bb);
      default:
        // 0.5 d^2 / beta in an order that cannot overflow where the loss does not (d*d does for |d| > 1.3e154)
        return quad ? r(r(0.5 * ad) * r(ad / bb)) : r(ad - r(0.5 * bb));
    }
  };
  const el = new Float64Array(n);
  for (let i = 0; i < n; i++) el[i] = loss(elementToNumber(logits, i), elementToNumber(labels, i));
  if (reduction === 'none') return tensorFromNumbers(real.dtype as FloatDType, real.shape, el);
  let s = 0;
  for (let i = 0; i < n; i++) s = r(s + el[i]);
  const divisor = variant === 'mean-n-minus-1' ? n - 1 : n;
  let mean = r(s / divisor);
  if (mean === Infinity && el.every((v) => Number.isFinite(v))) {
    // the sum overflowed although no term did: divide each term first
    mean = 0;
    for (let i = 0; i < n; i++) mean = r(mean + r(el[i] / divisor));
  }
  const value = reduction === 'sum' ? s : mean;
  return tensorFromNumbers(real.dtype as FloatDType, real.shape, [value]);
}

/** The real CPU runner, with its output values replaced by a variant's. */
function wrapped(variant: Variant): Runner {
  const real = createCpuRunner();
  return {
    name: `cpu-${variant}`,
    version: real.version,
    nativeProfile: 'cpu',
    async run(args, ctx): Promise<RunnerResult> {
      const r = await real.run(args, ctx);
      if (r.kind === 'error') return r;
      return { kind: 'output', tensor: brokenValues(variant, args, ctx.profile, r.tensor) };
    },
  };
}

let corpus: LoadedCase[];
const checker = new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix: 'npx smoothl1 run --runner cpu --profile cpu --tolerance standard', cacheElements: 1 << 17 });
beforeAll(() => {
  corpus = loadCorpus();
});

async function run(runner: Runner): Promise<RunOutcome> {
  return runCases({ runner, cases: corpus, profile: 'cpu', tolerance: 'standard', timeoutMs: 60_000, rerunPrefix: 'npx smoothl1 run', checker });
}

function unexpected(o: RunOutcome) {
  return o.results.filter((r) => isUnexpected(r.status));
}

function summary(o: RunOutcome): string {
  return unexpected(o)
    .slice(0, 5)
    .map((r) => failureText(r))
    .join('\n\n');
}

describe('broken kernels are caught', () => {
  it('the real CPU runner passes the whole corpus', async () => {
    const o = await run(createCpuRunner());
    expect(o.results.length).toBe(corpus.length);
    expect(unexpected(o), summary(o)).toEqual([]);
  });

  it('the wrapper with the documented formula passes (so the failures below are the defects)', async () => {
    const o = await run(wrapped('baseline'));
    expect(unexpected(o), summary(o)).toEqual([]);
  });

  it('|d| <= beta instead of < beta still passes (the branches meet at |d| = beta)', async () => {
    const o = await run(wrapped('less-or-equal'));
    expect(unexpected(o), summary(o)).toEqual([]);
  });

  /** beta as the kernel sees it (its float32 value), for cases the real runner computes. */
  const betaOf = (c: LoadedCase) => {
    const v = validateCall(materialize(c), 'cpu');
    return v.ok ? v.call.beta : undefined;
  };
  // Where each defect can show: the cases it fails must be of that kind (a failure
  // elsewhere would mean the wrapper, not the defect, is wrong).
  const broken: [Variant, string, (c: LoadedCase, r: CaseResultJson) => boolean][] = [
    ['no-beta-divide', 'beta != 1', (c) => betaOf(c) !== 1],
    ['huber', 'beta != 1', (c) => betaOf(c) !== 1],
    ['mean-n-minus-1', "reduction 'mean'", (_c, r) => r.reduction === 'mean'],
    ['float16-throughout', 'a float16 input', (_c, r) => r.dtype.includes('float16')],
  ];
  for (const [variant, kind, applies] of broken) {
    it(`${variant} is caught with a readable failure`, async () => {
      const o = await run(wrapped(variant));
      const bad = unexpected(o);
      expect(bad.length, `${variant} passed every case`).toBeGreaterThan(0);
      for (const r of bad) {
        expect(r.status).toBe('wrong-value');
        const c = corpus.find((x) => x.id === r.id)!;
        expect(applies(c, r), `${variant} failed ${r.id}, which does not have ${kind}`).toBe(true);
        expect(r.reason).toMatch(/elements outside the standard interval; first at \[\d+\]: expected .* in \[.*\], got .* ulp\)$/);
        const text = failureText(r);
        expect(text).toContain('elements outside the accepted interval');
        expect(text).toMatch(/rerun: {4}npx smoothl1 run .*--filter /);
      }
    });
  }
});
