/**
 * The JSON form of a call argument that is not a tensor, shared by the three formats that
 * carry call arguments: case files (common/types.ts ValueJson), conformance packs
 * (pack/format.ts) and the exec protocol (runners/exec/wire.ts). A float is a string, the
 * float literal of common/number-format.ts (so NaN, infinities, -0.0 and every binary64
 * survive JSON), read back as Python's float() would; an int is a decimal string of any
 * size; a list is plain JSON.
 */
import { formatFloatLiteral } from './number-format.js';
import type { ArgValue, ValueJson } from './types.js';

export type ScalarArg = Exclude<ArgValue, { type: 'tensor' }>;
export type ScalarJson = Exclude<ValueJson, { type: 'tensor' }>;

/** Parses a float string to the float64 a Python float() would give (round to nearest even). */
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

/** Parses an int string (any size). */
export function parseIntString(s: string): bigint {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s)) throw new RangeError(`not a case-format int: ${JSON.stringify(s)} (expected a decimal integer)`);
  return BigInt(s);
}

export function scalarToJson(v: ScalarArg): ScalarJson {
  if (v.type === 'float') return { type: 'float', value: formatFloatLiteral(v.value) };
  if (v.type === 'int') return { type: 'int', value: v.value.toString() };
  return { ...v }; // bool, str, none and list read the same in both forms
}

export function scalarFromJson(v: ScalarJson): ScalarArg {
  if (v.type === 'float') return { type: 'float', value: parseFloatString(v.value) };
  if (v.type === 'int') return { type: 'int', value: parseIntString(v.value) };
  return { ...v };
}
