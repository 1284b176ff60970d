/**
 * Scalar values of the case format as the call sees them: floats written as strings
 * (so NaN, infinities and -0.0 survive JSON), ints of any size as decimal strings.
 * Writing them is common/number-format.ts's (formatFloatLiteral), as for every number.
 */

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
