/**
 * Correct rounding of exact rationals (oracle/exact.ts): properties with fast-check and
 * agreement with the independently tested double rounding of common/float-format.ts and
 * with Math.fround / f16round for values that are doubles.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { f16round } from '@petamoriken/float16';
import { bitLength, dyadicOf, exactElementLoss, R, roundScaled } from '../../oracle/index.js';
import { floatFormat } from '../../common/float-format.js';
import type { FloatDType } from '../../common/types.js';

const formats: FloatDType[] = ['float16', 'bfloat16', 'float32', 'float64'];
const pos = fc.bigInt({ min: 1n, max: 1n << 200n });
const scale = fc.integer({ min: -1200, max: 1100 });

describe('roundScaled', () => {
  it('agrees with Math.fround and f16round on doubles (through their exact dyadic value)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const d = dyadicOf(x);
        const neg = d.m < 0n;
        const m = neg ? -d.m : d.m;
        expect(Object.is(roundScaled(neg, m, 1n, d.e, floatFormat('float32'), 0), Math.fround(x)) || (x === 0 && roundScaled(neg, m, 1n, d.e, floatFormat('float32'), 0) === 0)).toBe(true);
        const h = roundScaled(neg, m, 1n, d.e, floatFormat('float16'), 0);
        expect(h === f16round(x) || (h === 0 && x === 0)).toBe(true);
        expect(roundScaled(neg, m, 1n, d.e, floatFormat('float64'), 0)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('is within half an ulp, brackets with the directed roundings, and is monotone', () => {
    fc.assert(
      fc.property(pos, pos, scale, pos, fc.constantFrom(...formats), (n, d, e, n2, dt) => {
        const f = floatFormat(dt);
        const v = R.mul(R.of(n, d), R.pow2(e));
        const rn = roundScaled(false, n, d, e, f, 0);
        const rd = roundScaled(false, n, d, e, f, -1);
        const ru = roundScaled(false, n, d, e, f, 1);
        expect(rd <= rn && rn <= ru).toBe(true);
        expect(rd === ru || f.nextUp(rd) === ru).toBe(true);
        if (ru !== Infinity && rd !== f.maxFinite) {
          // |rn - v| <= |other - v|: the nearest of the two brackets
          const dist = (c: number) => {
            const t = R.sub(R.fromNumber(c), v);
            return t.n < 0n ? { n: -t.n, d: t.d } : t;
          };
          expect(R.cmp(dist(rn), dist(rn === rd ? ru : rd))).toBeLessThanOrEqual(0);
          expect(R.cmp(R.fromNumber(rd), v)).toBeLessThanOrEqual(0);
          expect(R.cmp(R.fromNumber(ru), v)).toBeGreaterThanOrEqual(0);
        }
        // monotone: a larger value never rounds lower
        const w = R.add(v, R.of(n2, d << 300n));
        expect(roundScaled(false, w.n, w.d, 0, f, 0)).toBeGreaterThanOrEqual(rn);
      }),
      { numRuns: 1500, seed: 12 },
    );
  });

  it('is idempotent on representable values and rounds ties to even', () => {
    for (const dt of formats) {
      const f = floatFormat(dt);
      for (const x of [1, f.minSubnormal, f.minNormal, f.maxFinite, 3 * f.minSubnormal, 1.5]) {
        const d = dyadicOf(x);
        expect(roundScaled(false, d.m, 1n, d.e, f, 0)).toBe(x);
      }
      // 1 + half an ulp is a tie between 1 and 1 + ulp: even is 1; 1 + 3 half-ulps goes up to 1 + 2 ulp
      const p = BigInt(f.precision);
      expect(roundScaled(false, (1n << p) + 1n, 1n, -Number(p), f, 0)).toBe(1);
      expect(roundScaled(false, (1n << p) + 3n, 1n, -Number(p), f, 0)).toBe(1 + 2 * 2 ** (1 - f.precision));
      // overflow: maxFinite + half its ulp rounds to inf, directed down stays at maxFinite
      const top = R.add(R.fromNumber(f.maxFinite), R.fromNumber(f.ulp(f.maxFinite) / 2));
      expect(R.round(top, f, 0)).toBe(Infinity);
      expect(R.round(top, f, -1)).toBe(f.maxFinite);
      // underflow: half the smallest subnormal is a tie to 0, a bit more goes to minSubnormal
      const half = R.div(R.fromNumber(f.minSubnormal), R.of(2n)); // exact (f.minSubnormal / 2 underflows for float64)
      expect(R.round(half, f, 0)).toBe(0);
      expect(R.round(R.mul(half, R.of(1000001n, 1000000n)), f, 0)).toBe(f.minSubnormal);
      expect(R.round(R.of(-1n, 3n), f, -1)).toBeLessThan(R.round(R.of(-1n, 3n), f, 1));
    }
  });

  it('bitLength is floor(log2 n) + 1 around powers of two', () => {
    for (let k = 0; k < 300; k += 7) {
      const p = 1n << BigInt(k);
      expect(bitLength(p)).toBe(k + 1);
      if (k > 0) expect(bitLength(p - 1n)).toBe(k);
    }
    expect(bitLength((1n << 53n) - 1n)).toBe(53);
  });
});

describe('the exact loss', () => {
  it('is continuous at |d| = beta: both branches give beta/2, and nearby values approach it', () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(1e-20), max: Math.fround(1e20), noNaN: true }), (b) => {
        const at = exactElementLoss(b, 0, b);
        expect(at).toEqual({ kind: 'finite', value: R.div(R.fromNumber(b), R.of(2n)) });
        // just below beta (quadratic) and just above (linear): |L - beta/2| <= |d - beta|
        const f = floatFormat('float64');
        for (const x of [f.nextDown(b), f.nextUp(b)]) {
          const l = exactElementLoss(x, 0, b);
          if (l.kind !== 'finite') throw new Error('finite expected');
          const gap = R.sub(l.value, R.div(R.fromNumber(b), R.of(2n)));
          const dx = R.sub(R.fromNumber(x), R.fromNumber(b));
          const abs = (r: typeof gap) => (r.n < 0n ? { n: -r.n, d: r.d } : r);
          expect(R.cmp(abs(gap), abs(dx))).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });
  it('is nonnegative and nondecreasing in |d|, nonincreasing in beta', () => {
    const fin = fc.float({ min: Math.fround(-1e10), max: Math.fround(1e10), noNaN: true });
    const bt = fc.float({ min: Math.fround(1e-10), max: Math.fround(1e10), noNaN: true });
    fc.assert(
      fc.property(fin, fin, bt, bt, (a, c, b1, b2) => {
        const [lo, hi] = Math.abs(a) <= Math.abs(c) ? [a, c] : [c, a];
        const [bl, bh] = b1 <= b2 ? [b1, b2] : [b2, b1];
        const v = (x: number, b: number) => {
          const l = exactElementLoss(x, 0, b);
          if (l.kind !== 'finite') throw new Error('finite expected');
          return l.value;
        };
        expect(v(lo, bl).n >= 0n).toBe(true);
        expect(R.cmp(v(lo, bl), v(hi, bl))).toBeLessThanOrEqual(0);
        expect(R.cmp(v(hi, bh), v(hi, bl))).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500, seed: 14 },
    );
  });
});
