/**
 * Summation strategies of real kernels, written here from their descriptions (numpy's
 * pairwise_sum, PyTorch's cascade sum, Eigen's tree reduction, GPU block trees with atomic
 * partials, grid-stride loops, Kahan, a float64 accumulator) and the one the `standard`
 * level must reject where its error is large: a plain sequential float32 accumulator over
 * the whole tensor. Each sums float32 terms and returns a float32 value; the arithmetic is
 * Math.fround and Float32Array stores only (no oracle or runner code), so the verdicts of
 * ./summation-strategies.test.ts judge these independently written sums.
 */

const f32 = Math.fround;

/** A summation strategy: float32 terms in, a float32 sum out. */
export interface Strategy {
  name: string;
  sum: (t: Float32Array) => number;
}

/** Deterministic PRNG (mulberry32) for the order of atomic additions. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The order in which m partial sums reach an atomic float32 add: as computed, or shuffled (Fisher-Yates). */
function arrivalOrder(m: number, shuffled: boolean, seed: number): Uint32Array {
  const idx = Uint32Array.from({ length: m }, (_, i) => i);
  if (!shuffled) return idx;
  const r = rng(seed);
  for (let i = m - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const v = idx[i];
    idx[i] = idx[j];
    idx[j] = v;
  }
  return idx;
}

/** Plain sequential float32 accumulation in index order: the stagnating accumulator. */
export function sequential(t: Float32Array): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s = f32(s + t[i]);
  return s;
}

/** Recursive halving with sequential leaves of at most `leaf` terms. */
function pairwise(t: Float32Array, lo: number, hi: number, leaf: number): number {
  if (hi - lo <= leaf) {
    let s = 0;
    for (let i = lo; i < hi; i++) s = f32(s + t[i]);
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return f32(pairwise(t, lo, mid, leaf) + pairwise(t, mid, hi, leaf));
}

/**
 * numpy's pairwise_sum: below 8 terms a running sum; up to 128 terms eight accumulators
 * (accumulator j takes terms j, j+8, ...), combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
 * then the n mod 8 left over added one by one; above 128 the halves (the first rounded
 * down to a multiple of 8) summed recursively.
 */
function numpyPairwise(t: Float32Array, lo: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s = f32(s + t[lo + i]);
    return s;
  }
  if (n <= 128) {
    const r = t.slice(lo, lo + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += t[lo + i + j];
    let s = f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
    for (; i < n; i++) s = f32(s + t[lo + i]);
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(numpyPairwise(t, lo, n2) + numpyPairwise(t, lo + n2, n - n2));
}

/**
 * PyTorch's cascade sum (one lane): three accumulators; every 2^p terms the first is added
 * into the second and cleared, every 2^(2p) the second into the third, p = max(4,
 * floor(ceil(log2 n) / 3)); at the end the levels are added up, lowest first.
 */
function cascade(t: Float32Array): number {
  const levels = 3;
  const step = 2 ** Math.max(4, Math.floor(Math.ceil(Math.log2(Math.max(t.length, 1))) / levels));
  const acc = new Float32Array(levels);
  for (let i = 0; i < t.length; i++) {
    acc[0] += t[i];
    let k = i + 1;
    for (let j = 1; j < levels && k % step === 0; j++) {
      acc[j] += acc[j - 1];
      acc[j - 1] = 0;
      k /= step;
    }
  }
  let s = 0;
  for (let j = 0; j < levels; j++) s = f32(s + acc[j]);
  return s;
}

/** Blocks of b terms summed one by one, and the block sums one by one. */
function blocked(t: Float32Array, b: number): number {
  let total = 0;
  for (let lo = 0; lo < t.length; lo += b) {
    let s = 0;
    for (let i = lo; i < Math.min(lo + b, t.length); i++) s = f32(s + t[i]);
    total = f32(total + s);
  }
  return total;
}

/**
 * Eigen's InnerMostDimReducer (TensorFlow's CPU reductions): above `packet` x 1024 terms
 * the range is split at a packet boundary near its middle and the halves added; a leaf is
 * summed by one packet accumulator (lane j takes terms j, j + packet, ...: up to 1024 each),
 * the lanes combined by a halving tree, the terms beyond the last whole packet added one by
 * one into a scalar, and scalar + lanes at the end.
 */
function eigen(t: Float32Array, first: number, m: number, packet: number): number {
  if (m > packet * 1024) {
    const split = packet * Math.ceil((first + Math.ceil(m / 2)) / packet);
    const left = Math.min(split - first, m);
    let s = eigen(t, first, left, packet);
    if (left < m) s = f32(s + eigen(t, split, m - left, packet));
    return s;
  }
  const whole = Math.floor(m / packet) * packet;
  const lanes = new Float32Array(packet);
  for (let i = 0; i < whole; i += packet) for (let j = 0; j < packet; j++) lanes[j] += t[first + i + j];
  for (let h = packet >> 1; h >= 1; h >>= 1) for (let j = 0; j < h; j++) lanes[j] += lanes[j + h];
  let s = 0;
  for (let i = whole; i < m; i++) s = f32(s + t[first + i]);
  return f32(s + lanes[0]);
}

/** One GPU block's shared-memory tree over `vals` (zero-padded to `threads`, a power of two): s = threads/2, ..., 1. */
function blockTree(vals: Float32Array, threads: number): number {
  const sh = new Float32Array(threads);
  sh.set(vals.subarray(0, Math.min(threads, vals.length)));
  for (let h = threads >> 1; h >= 1; h >>= 1) for (let i = 0; i < h; i++) sh[i] += sh[i + h];
  return sh[0];
}

/** Partial sums added one by one to a float32 accumulator (atomicAdd) in the given order. */
function atomicAdds(partials: Float32Array, order: Uint32Array): number {
  const acc = new Float32Array(1);
  for (const b of order) acc[0] += partials[b];
  return acc[0];
}

/** Blocks of `threads` threads, one term each, reduced by a block tree; block partials added atomically. */
function treeAtomic(t: Float32Array, threads: number, shuffled: boolean): number {
  const blocks = Math.ceil(t.length / threads);
  const partials = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) partials[b] = blockTree(t.subarray(b * threads, (b + 1) * threads), threads);
  return atomicAdds(partials, arrivalOrder(blocks, shuffled, blocks));
}

/**
 * A grid-stride loop: `grid` threads, thread g accumulates terms g, g + grid, ... one by one;
 * then blocks of 256 threads reduce their chains by a block tree and add the block partials
 * atomically in shuffled order.
 */
function gridStride(t: Float32Array, grid: number): number {
  const chains = new Float32Array(grid);
  for (let i = 0; i < t.length; i++) chains[i % grid] += t[i];
  const threads = 256;
  const blocks = grid / threads;
  const partials = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) partials[b] = blockTree(chains.subarray(b * threads, (b + 1) * threads), threads);
  return atomicAdds(partials, arrivalOrder(blocks, true, grid));
}

/** Kahan's compensated summation in float32. */
function kahan(t: Float32Array): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < t.length; i++) {
    const y = f32(t[i] - c);
    const u = f32(s + y);
    c = f32(f32(u - s) - y);
    s = u;
  }
  return s;
}

/** A float64 accumulator in index order, rounded to float32 once at the end (MindSpore's CPU kernel). */
function float64(t: Float32Array): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += t[i];
  return f32(s);
}

/** What correct kernels do; each must pass `standard` on every input. */
export const ADMITTED: Strategy[] = [
  { name: 'pairwise, leaves of 8', sum: (t) => pairwise(t, 0, t.length, 8) },
  { name: 'pairwise, leaves of 128', sum: (t) => pairwise(t, 0, t.length, 128) },
  { name: 'numpy pairwise_sum (128-blocks, 8 accumulators)', sum: (t) => numpyPairwise(t, 0, t.length) },
  { name: 'PyTorch-style cascade sum', sum: cascade },
  { name: 'blocked, 1024-term blocks', sum: (t) => blocked(t, 1024) },
  { name: 'Eigen tree reduction, 4-lane packets (SSE)', sum: (t) => eigen(t, 0, t.length, 4) },
  { name: 'Eigen tree reduction, 8-lane packets (AVX)', sum: (t) => eigen(t, 0, t.length, 8) },
  { name: 'Eigen tree reduction, 16-lane packets (AVX-512)', sum: (t) => eigen(t, 0, t.length, 16) },
  { name: 'block trees of 128 threads, partials added atomically in block order', sum: (t) => treeAtomic(t, 128, false) },
  { name: 'block trees of 128 threads, partials added atomically in shuffled order', sum: (t) => treeAtomic(t, 128, true) },
  { name: 'block trees of 1024 threads, partials added atomically in shuffled order', sum: (t) => treeAtomic(t, 1024, true) },
  { name: 'grid-stride loop of 2048 threads, then block trees and atomics', sum: (t) => gridStride(t, 2048) },
  { name: 'grid-stride loop of 65536 threads, then block trees and atomics', sum: (t) => gridStride(t, 65536) },
  { name: 'Kahan (float32)', sum: kahan },
  { name: 'float64 accumulator', sum: float64 },
];
