/**
 * Scalar values of the case format as the call sees them: floats written as strings
 * (so NaN, infinities and -0.0 survive JSON), ints of any size as decimal strings.
 */
import { floatFormat } from '../../common/float-format.js';
import type { FloatDType } from '../../common/types.js';

/** Parses a case-format float string to the float64 a Python float() would give (round to nearest even). */
export function parseFloatString(s: string): number {
  switch (s) {
    case 'nan':
      return NaN;
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  if (!/^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s)) throw new RangeError(`not a case-format float: ${JSON.stringify(s)} (expected a decimal, 'nan', 'inf' or '-inf')`);
  // ECMAScript's StringToNumber rounds decimal strings to nearest-even (V8 does so for
  // any number of digits), and keeps the sign of "-0.0".
  return Number(s);
}

/** Parses a case-format int string (any size). */
export function parseIntString(s: string): bigint {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s)) throw new RangeError(`not a case-format int: ${JSON.stringify(s)} (expected a decimal integer)`);
  return BigInt(s);
}

/** Writes a float64 in the case format: shortest round-trip decimal, 'nan', 'inf', '-inf', '-0.0'. */
export function formatFloatString(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.eE]/.test(s) ? s.replace('e+', 'e') : s + '.0';
}

/**
 * The shortest decimal that reads back to the same value in the dtype ('nan', 'inf',
 * '-inf', '-0' spelled out): what the corpus's informative "decimal" fields and the CLI
 * print beside bit patterns.
 */
export function shortestDecimal(dtype: FloatDType, value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  const f = floatFormat(dtype);
  for (let k = 1; k <= 17; k++) {
    const s = String(Number(value.toPrecision(k)));
    if (f.round(Number(s)) === value) return s.replace('e+', 'e');
  }
  return String(value);
}
