/**
 * Small helpers of the fused value check (oracle/fast/fused.ts): the rounding cells of the
 * 16-bit formats' values (by bit pattern), a no-op set of hot constants, and the raw hex of
 * an output element for reports.
 */
import { decodeTable16, floatFormat, type FloatFormat } from '../../common/float-format.js';
import type { FloatDType, Tensor } from '../../common/types.js';

/**
 * Per 16-bit format: the value of every bit pattern, and by biased exponent the half-gaps
 * of a value's rounding cell: above (q/2) and below a power of two (q/4 above the smallest
 * normal, the binade below having half the quantum; q/2 otherwise); NaN for inf/NaN.
 */
export interface CellTables {
  value: Float32Array;
  upByExp: Float64Array;
  downByExp: Float64Array;
  fractionBits: number;
  expMask: number;
  fracMask: number;
}
const cellTables = new Map<string, CellTables>();
export function cells16(fmt: FloatFormat): CellTables {
  let t = cellTables.get(fmt.name);
  if (t === undefined) {
    const expMask = 2 ** fmt.exponentBits - 1;
    const upByExp = new Float64Array(expMask + 1);
    const downByExp = new Float64Array(expMask + 1);
    for (let E = 0; E <= expMask; E++) {
      const q = 2 ** (Math.max(E, 1) - fmt.bias - fmt.fractionBits);
      upByExp[E] = E === expMask ? NaN : q / 2;
      downByExp[E] = E === expMask ? NaN : E > 1 ? q / 4 : q / 2;
    }
    t = { value: decodeTable16(fmt.name), upByExp, downByExp, fractionBits: fmt.fractionBits, expMask, fracMask: 2 ** fmt.fractionBits - 1 };
    cellTables.set(fmt.name, t);
  }
  return t;
}

/** Hot constants that match no element (no covered region: every element takes the careful road). */
export const NO_HOT = { flushBelow: 0, aMax: -1, c1m: 1, c1p: 1, bLoLo: -1, bHiHi: Infinity, dStar: Infinity, kLo: 0, kHi: 0, hbHi: 0, hbLo: 0, c2lo: 0, c2hi: 0, linSafe: false };

/** v is a positive power of two (v > 0 finite). */
export function isPow2(v: number): boolean {
  return v > 0 && Number.isFinite(v) && 2 ** Math.round(Math.log2(v)) === v;
}

/** The hex of element i's raw pattern (a NaN keeps its payload). */
export function rawHex(t: Tensor, i: number): string {
  const f = floatFormat(t.dtype as FloatDType);
  const d = t.data;
  if (d instanceof Uint16Array) return f.toHex(d[i]);
  if (d instanceof Float32Array) return f.toHex(new Uint32Array(d.buffer, d.byteOffset, d.length)[i]);
  return f.toHex(new BigUint64Array((d as Float64Array).buffer, (d as Float64Array).byteOffset, d.length)[i]);
}
