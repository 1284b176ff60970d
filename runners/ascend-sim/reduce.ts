/**
 * The simulated AI Core ReduceSum: float32 accumulation in a blocked binary tree.
 *
 * The loss vector is cut into blocks of BLOCK elements (one unified-buffer tile); each block
 * is summed by a halving tree (lane i += lane i + h for h = BLOCK/2, ..., 1, the way a
 * vector reduce folds a repeat), the last block padded with zeros; the block partial sums
 * are then folded pairwise (element 2i with 2i + 1, an odd one carried up) until one value
 * is left. Every addition rounds to float32. Adding a zero pad is exact, so an element goes
 * through at most ceil(log2 n) roundings: pairwise quality, which the strict level assumes.
 */

/** Elements per block. A power of two, so the in-block tree is complete. */
export const BLOCK = 256;

/** Sum of v in float32 by the blocked tree (0 for an empty v; NaN and inf propagate). */
export function treeSum(v: Float32Array): number {
  const n = v.length;
  const blocks = Math.ceil(n / BLOCK);
  if (blocks === 0) return 0;
  const partial = new Float32Array(blocks);
  const lane = new Float32Array(BLOCK);
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const end = Math.min(start + BLOCK, n);
    lane.fill(0);
    lane.set(v.subarray(start, end));
    for (let h = BLOCK >> 1; h >= 1; h >>= 1) {
      // a Float32Array store rounds to float32 (nearest even), like Math.fround
      for (let i = 0; i < h; i++) lane[i] = lane[i] + lane[i + h];
    }
    partial[b] = lane[0];
  }
  let len = blocks;
  while (len > 1) {
    const half = len >> 1;
    for (let i = 0; i < half; i++) partial[i] = partial[2 * i] + partial[2 * i + 1];
    if (len % 2 === 1) partial[half] = partial[len - 1];
    len = half + (len % 2);
  }
  return partial[0];
}
