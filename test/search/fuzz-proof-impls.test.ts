/**
 * The fuzz proof's implementations (test/fixtures/fuzz/) are written without the suite's
 * code; their shared codecs are checked here against common/float-format.ts on every
 * 16-bit pattern (decoding) and on values around every pattern (rounding), and their
 * int-beta rounding against an exact reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
// @ts-expect-error plain ES module fixtures
import { bfloatToNumber, halfToNumber, intToFloat32Once, numberToBfloat, numberToHalf } from '../fixtures/fuzz/front.mjs';

const DIR = join(__dirname, '..', 'fixtures', 'fuzz');

describe('fuzz proof implementations', () => {
  it('import nothing of the suite (only each other)', () => {
    for (const f of readdirSync(DIR).filter((n) => n.endsWith('.mjs'))) {
      const imports = [...readFileSync(join(DIR, f), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      for (const i of imports) expect(i, `${f} imports ${i}`).toMatch(/^\.\/[a-z0-9-]+\.mjs$|^\.\.\/[a-z0-9-]+\.mjs$/);
    }
  });

  for (const [dtype, dec, enc] of [
    ['float16', halfToNumber, numberToHalf],
    ['bfloat16', bfloatToNumber, numberToBfloat],
  ] as const) {
    it(`decode and round ${dtype} as common/float-format.ts does (every pattern, and the values between neighbours)`, () => {
      const f = floatFormat(dtype);
      for (let h = 0; h < 0x10000; h++) {
        const v = f.decode(h);
        if (Number.isNaN(v)) {
          expect(Number.isNaN(dec(h))).toBe(true);
          continue;
        }
        expect(Object.is(dec(h), v)).toBe(true);
        expect(enc(v)).toBe(h);
        if (Number.isFinite(v)) {
          const up = f.nextUp(v);
          // the midpoint to the next value (a tie); for every 8th pattern points just either side of it too
          const xs = h % 8 === 0 ? [(v + up) / 2, v + (up - v) * 0.4999, v + (up - v) * 0.5001] : [(v + up) / 2];
          for (const x of xs) {
            if (Number.isFinite(x)) expect(enc(x)).toBe(f.encode(x));
          }
        }
      }
    });
  }

  it('round an int once to float32 as exact rounding does', () => {
    const f32 = floatFormat('float32');
    const cases = [2n ** 60n + 2n ** 36n + 1n, 2n ** 60n + 2n ** 36n, 2n ** 60n + 3n * 2n ** 36n, 2n ** 128n - 2n ** 103n, 2n ** 128n - 2n ** 103n - 1n, 16777217n, -(2n ** 90n + 2n ** 66n + 5n), 12345n];
    const exact = (n: bigint): number => {
      // the two float32 neighbours of n, compared exactly as integers
      const neg = n < 0n;
      const a = neg ? -n : n;
      if (a <= 2n ** 24n) return Number(n); // exact in float32; above, float32 values are integers
      let lo = f32.roundDirected(Number(a), -1);
      while (BigInt(Math.round(lo)) > a && lo > 0) lo = f32.nextDown(lo);
      while (lo < f32.maxFinite && BigInt(f32.nextUp(lo)) <= a) lo = f32.nextUp(lo);
      const hi = BigInt(lo) === a ? lo : f32.nextUp(lo);
      const dl = a - BigInt(lo);
      // Past the largest float32 the next value is 2^128 (even), which rounds to inf.
      const dh = (hi === Infinity ? 2n ** 128n : BigInt(hi)) - a;
      const even = (x: number) => x === Infinity || ((f32.encode(x) as number) & 1) === 0;
      const r = dl < dh ? lo : dh < dl ? hi : even(lo) ? lo : hi;
      return neg ? -r : r;
    };
    for (const n of cases) expect(intToFloat32Once(n), String(n)).toBe(exact(n));
    expect(intToFloat32Once(2n ** 60n + 2n ** 36n + 1n)).not.toBe(Math.fround(Number(2n ** 60n + 2n ** 36n + 1n)));
  });
});
