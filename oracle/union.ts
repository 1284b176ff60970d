/**
 * Unions of accepted intervals (spec/fp-primer.md "Discrete alternatives"): where an
 * implementation chooses between discrete configurations (a beta reading, a flush regime),
 * the accepted set of an output value is the union of the configurations' closed
 * intervals. A union is kept as a flat list [lo0, hi0, lo1, hi1, ...] of disjoint
 * intervals in ascending order; overlapping ones are merged.
 */

/** Add [lo, hi] to a union (in place), merging what overlaps. */
export function addInterval(list: number[], lo: number, hi: number): void {
  let i = 0;
  while (i < list.length && list[i + 1] < lo) i += 2;
  // list[i..] are the intervals not entirely below lo; merge those that start at or before hi
  let j = i;
  let l = lo;
  let h = hi;
  while (j < list.length && list[j] <= h) {
    if (list[j] < l) l = list[j];
    if (list[j + 1] > h) h = list[j + 1];
    j += 2;
  }
  list.splice(i, j - i, l, h);
}

/** v lies in one of the union's intervals. */
export function inUnion(list: ArrayLike<number>, v: number): boolean {
  for (let i = 0; i < list.length; i += 2) if (v >= list[i] && v <= list[i + 1]) return true;
  return false;
}

/**
 * Merge one more configuration's interval [l, h] into an element's accepted set, kept as
 * the first interval in cur (cur.lo, cur.hi) and, once there are several, all of them in
 * cur.list. NaN intervals (a NaN expectation: every configuration gives NaN) are left alone.
 */
export function mergeInto(cur: { lo: number; hi: number; list: number[] | null }, l: number, h: number): void {
  if (l !== l) return;
  if (cur.list === null) {
    if (l >= cur.lo && h <= cur.hi) return;
    if (l <= cur.hi && h >= cur.lo) {
      if (l < cur.lo) cur.lo = l;
      if (h > cur.hi) cur.hi = h;
      return;
    }
    cur.list = [cur.lo, cur.hi];
  }
  addInterval(cur.list, l, h);
  cur.lo = cur.list[0];
  cur.hi = cur.list[1];
}
