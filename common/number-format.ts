/**
 * The one way the suite writes a number (spec/fp-primer.md "How numbers are written").
 * Reports (report.json and every format rendered from it, the console), `smoothl1
 * oracle`, `smoothl1 cases show`, case files' informative "decimal" fields, conformance
 * packs and the exec wire format all write through here, so one value reads the same
 * everywhere: the float32 nearest 3.3121776e-9 is `3.3121776e-9` in a report and from
 * the oracle command alike (not the 17 digits of the double it is stored in).
 *
 * - A value of a float dtype: the shortest decimal that reads back to the same value in
 *   that dtype (round to nearest, ties to even), in ECMAScript's Number-to-String layout
 *   (plain digits from 1e-6 up to below 1e21, else d.ddde±x) with the exponent's '+'
 *   dropped; `nan`, `inf`, `-inf` and `-0` spelled out. Beside it the bit pattern in hex
 *   (lowercase, bits/4 digits).
 * - A float64 scalar literal (case files' and packs' float values, exec requests): the
 *   float64 decimal, with '.0' appended where it would read as an integer (so `2.0`,
 *   `-0.0`, `1e21`), what Python reads as a float.
 * - A figure that is not a value of the operator's dtypes (an ulp error): the float64
 *   decimal.
 */
import { floatFormat } from './float-format.js';
import type { FloatDType } from './types.js';

/** The shortest decimal that reads back to `value` in `dtype` (value must be one of the dtype's values). */
export function formatDecimal(dtype: FloatDType, value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  if (value === 0) return '0';
  if (dtype === 'float64') return String(value).replace('e+', 'e'); // ECMAScript's shortest round trip
  const f = floatFormat(dtype);
  for (let k = 1; k <= 17; k++) {
    const s = shortestOfLength(value, k, (x) => f.round(x) === value);
    if (s !== undefined) return s.replace('e+', 'e');
  }
  return String(value).replace('e+', 'e');
}

/**
 * The k-significant-digit decimal nearest `value` among those that read back (`readsBack`;
 * on a tie the one ending in an even digit), or undefined. Besides the correctly rounded k-digit decimal (toPrecision), its two
 * k-digit neighbours are tried: at a power of two the values that round to `value` reach
 * twice as far above it as below, so the nearest decimal may miss while the next one up
 * reads back.
 */
function shortestOfLength(value: number, k: number, readsBack: (x: number) => boolean): string | undefined {
  const [mantissa, exp] = value.toExponential(k - 1).split('e');
  const negative = mantissa.startsWith('-');
  const m = BigInt(mantissa.replace(/[-.]/g, ''));
  const e = Number(exp) - (k - 1);
  let best: { x: number; distance: number; even: boolean } | undefined;
  for (const d of [m, m + 1n, m - 1n]) {
    if (d <= 0n) continue;
    const x = Number(`${negative ? '-' : ''}${d}e${e}`);
    if (!readsBack(x)) continue;
    const distance = Math.abs(x - value);
    const even = d % 2n === 0n;
    // The nearest; on a tie the one whose last digit is even (as Number-to-String chooses), whatever the order tried.
    if (!best || distance < best.distance || (distance === best.distance && even && !best.even)) best = { x, distance, even };
  }
  return best === undefined ? undefined : String(best.x);
}

/** The bit pattern of `value` in `dtype` (NaN as the dtype's canonical quiet NaN). */
export function formatHex(dtype: FloatDType, value: number): string {
  const f = floatFormat(dtype);
  return f.toHex(f.encode(value));
}

/** A float64 scalar as a literal of the case format, packs and the exec wire ('2.0', '-0.0', '1e21', 'nan'). */
export function formatFloatLiteral(x: number): string {
  if (Object.is(x, -0)) return '-0.0';
  const s = formatDecimal('float64', x);
  return /^-?[0-9]+$/.test(s) ? s + '.0' : s;
}

/** An ulp error, or another figure that is not a value of a dtype. */
export function formatFigure(x: number): string {
  return formatDecimal('float64', x);
}
