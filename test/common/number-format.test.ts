/**
 * common/number-format.ts, the one way numbers are written: a value of a dtype as the
 * shortest decimal that reads back to it in that dtype. Checked against an independent
 * search (both k-digit neighbours of the value, one digit fewer, must miss it), on the
 * spellings the spec gives, and end to end: the value a failure reports and the one
 * `smoothl1 oracle` prints for the same case are the same string.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main as oracleMain } from '../../cli/commands/oracle.js';
import { floatFormat } from '../../common/float-format.js';
import { formatDecimal, formatFigure, formatFloatLiteral, formatHex } from '../../common/number-format.js';
import type { FloatDType, LoadedCase } from '../../common/types.js';
import { materialize } from '../../harness/cases/index.js';
import { Checker } from '../../harness/check.js';
import { runCli } from '../cli/run-helpers.js';

const DTYPES: FloatDType[] = ['float16', 'bfloat16', 'float32', 'float64'];

/** Significant digits of a decimal string. */
function digits(s: string): number {
  const mantissa = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
  return mantissa.replace(/0+$/, '').length || 1;
}

/** Whether some decimal of k significant digits reads back to x in the dtype: try both k-digit neighbours of x. */
function someDecimalOf(k: number, x: number, dtype: FloatDType): boolean {
  const f = floatFormat(dtype);
  const e = Math.floor(Math.log10(Math.abs(x)));
  for (const shift of [-1, 0, 1]) {
    const scale = 10 ** (k - 1 - (e + shift));
    for (const m of [Math.floor(Math.abs(x) * scale), Math.ceil(Math.abs(x) * scale)]) {
      if (m < 10 ** (k - 1) || m >= 10 ** k) continue; // not k significant digits
      const candidate = Number(`${Math.sign(x) * m}e${-(k - 1 - (e + shift))}`);
      if (f.round(candidate) === x) return true;
    }
  }
  return false;
}

describe('formatDecimal', () => {
  const check = (dtype: FloatDType, x: number) => {
    const f = floatFormat(dtype);
    if (!Number.isFinite(x) || x === 0) return;
    const s = formatDecimal(dtype, x);
    expect(f.round(Number(s)), `${dtype} ${x} -> ${s}`).toBe(x);
    expect(s).toMatch(/^-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?$/);
    const k = digits(s);
    if (k > 1) expect(someDecimalOf(k - 1, x, dtype), `${dtype} ${x} -> ${s}: a decimal of ${k - 1} digits reads back`).toBe(false);
  };

  for (const dtype of ['float16', 'bfloat16'] as const) {
    it(`${dtype}: every value reads back exactly, and no decimal with one digit fewer does`, () => {
      const f = floatFormat(dtype);
      for (let b = 0; b < 1 << 16; b++) check(dtype, f.decode(b));
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: random values and every power of two (where the rounding interval is lopsided)`, () => {
      const f = floatFormat(dtype);
      for (let e = f.emin - f.fractionBits; e <= f.emax; e++) for (const sign of [1, -1]) check(dtype, sign * 2 ** e);
      const bits = dtype === 'float64' ? fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) : fc.integer({ min: 0, max: 2 ** 32 - 1 });
      fc.assert(fc.property(bits, (b) => check(dtype, f.decode(b as never))), { numRuns: 3000 });
    });
  }

  it('spells the special values and drops the exponent plus', () => {
    for (const dtype of DTYPES) {
      expect([NaN, Infinity, -Infinity, -0, 0].map((x) => formatDecimal(dtype, x))).toEqual(['nan', 'inf', '-inf', '-0', '0']);
    }
    expect(formatDecimal('float32', Math.fround(3.3121776e-9))).toBe('3.3121776e-9');
    expect(formatDecimal('float64', Math.fround(3.3121776e-9))).toBe('3.312177643266523e-9');
    expect(formatDecimal('float16', 65504)).toBe('65500');
    expect(formatDecimal('float16', 0.15625)).toBe('0.1562'); // 0.1562 and 0.1563 read back, equally near: the even one
    expect(formatDecimal('bfloat16', 2 ** 100)).toBe('1.27e30'); // 1.2676506e30; bfloat16's neighbours are 2^93 away
    expect(formatDecimal('float16', 2 ** -24)).toBe('6e-8');
    expect(formatDecimal('float64', 1e21)).toBe('1e21');
    expect(formatHex('bfloat16', 1)).toBe('3f80');
    expect(formatHex('float32', NaN)).toBe('7fc00000');
  });

  it('float literals and figures', () => {
    expect([2, -0, 0.1, 1e21, 5e-7, NaN, -Infinity].map(formatFloatLiteral)).toEqual(['2.0', '-0.0', '0.1', '1e21', '5e-7', 'nan', '-inf']);
    expect([3, 0.5, Infinity, NaN].map(formatFigure)).toEqual(['3', '0.5', 'inf', 'nan']);
  });
});

describe('one value, one string', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothl1-numbers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a failure in a report and smoothl1 oracle print the same expected value and interval', async () => {
    // float32 x = 1e-4, y = 0, beta = 1: 0.5 * 1e-8, a value whose double has 17 digits.
    const inputs = { logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [1], bits: ['38d1b717'] } }, labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [1], bits: ['00000000'] } } };
    const file = join(dir, 'inputs.json');
    writeFileSync(file, JSON.stringify(inputs));
    const r = await runCli(oracleMain, [file, '--profile', 'cpu', '--json']);
    expect(r.code).toBe(0);
    const el = JSON.parse(r.stdout).profiles[0].acceptance.elements[0];
    const c = { id: 'x/y', file, title: 't', tags: [], profiles: ['cpu'], inputs, expected: { cpu: { output: { dtype: 'float32', shape: [1] } } } } as unknown as LoadedCase;
    const checked = await new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix: 'x' }).check(c, materialize(c), { kind: 'output', tensor: { dtype: 'float32', shape: [1], data: Float32Array.of(1) } });
    const failure = checked.details!.elements![0];
    expect(failure.expected).toBe(el.expected);
    expect([failure.lo, failure.hi]).toEqual([el.lo, el.hi]);
    expect(failure.expected).toBe(formatDecimal('float32', Math.fround(0.5 * Math.fround(1e-4) ** 2)));
    expect(failure.expected.length).toBeLessThan(14);
    expect(checked.reason).toContain(`expected ${el.expected} in [${el.lo}, ${el.hi}], got 1 (`);
  });
});
