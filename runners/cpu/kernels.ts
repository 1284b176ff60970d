/**
 * The numeric loops of the CPU kernel, one set per storage kind.
 *
 * Why per storage kind: V8 compiles a loop for the typed-array types it has seen; a loop
 * that sees both Float32Array and Float64Array becomes polymorphic and every element
 * access pays a map check. Keeping float32 storage and float64 storage in separate
 * functions keeps both monomorphic (and lets each use the evaluation that suits its
 * precision: branch-free for float32 storage, the formula as written for float64).
 * float16/bfloat16 inputs are decoded to float32 storage first (exact), so there is no
 * loop per dtype.
 *
 * Numerics (spec/tolerances.json, level "strict"):
 * - float32 storage (float32, and float16/bfloat16 decoded): every operation is done in
 *   float64. x - y of two float32 values is exact in float64 except for extreme exponent
 *   gaps and d*d of a float32-sized d is exact, so each element is within a few float64
 *   roundings of the true loss, then rounded once more when stored (to float32, and then to the half type by the caller). That is more
 *   accurate than float32-faithful arithmetic, which the strict level admits.
 * - float64 storage: the formula as written in float64, ordered so that no intermediate
 *   underflows or overflows where the result does not (see lossF64).
 * - Sums are over non-negative terms (or NaN/+inf), so there is no cancellation: float32
 *   storage sums in float64 (relative error ~n * 2^-53, far below a float32 ulp); float64
 *   storage uses compensated (TwoSum) accumulation, error about 1 ulp for any n; a float64
 *   mean whose sum overflows is recomputed from scaled losses (meanF64).
 * - NaN and Inf follow IEEE rules through the formula: a NaN |d| fails `|d| < beta` and
 *   takes the linear branch (NaN); |d| = inf gives inf, or NaN when beta is inf too. An
 *   exact d is finite for finite x and y even where float64's x - y overflows: with
 *   beta = inf that loss is 0 (lossF64BetaInf).
 *
 * beta is the float32 value chosen by runners/validation.ts (> 0, or >= 0 on profiles
 * that allow beta = 0, where the quadratic branch is never taken and the loss is |d|).
 */

/*
 * Float32 storage runs branch-free. With random data `|d| < beta` is a coin flip, and a
 * mispredicted branch per element made the loops ~5x slower (87 ms vs 17 ms for a 10M
 * sum on the development machine); Math.min and `?:` compile to branches in V8 too. So
 * the loss is rewritten with m = min(|d|, beta) and x = max(|d| - beta, 0), the latter
 * computed as 0.5 * (e + |e|), which is exact (e + e, or e + (-e) = +0):
 *
 *   loss = 0.5 * m^2 / beta + x
 *
 * which is 0.5 d^2 / beta + 0 when |d| < beta and 0.5 beta + (|d| - beta) otherwise. In
 * float64 arithmetic both are within a few float64 ulps of the exact loss, far below
 * float32 resolution. The form needs 0 < beta < inf, and it turns |d| = inf into NaN
 * (inf - inf in m); so beta = 0 or inf takes the branching loop (its branch is then
 * perfectly predictable), and a NaN in the running sum of m, which appears exactly when
 * some |d| is inf or NaN, sends the affected elements (or the whole sum) to the branching
 * form, which follows the IEEE rules of the formula as written.
 */

/** Elementwise loss of float32-storage inputs, computed in float64, stored (rounded) into out. */
export function lossF32(a: Float32Array, b: Float32Array, beta: number, out: Float32Array): void {
  if (!(beta > 0 && beta < Infinity)) return lossF32Branching(a, b, beta, out, false);
  const c = 0.5 / beta;
  const n = out.length;
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const ad = Math.abs(a[i] - b[i]);
    const e = ad - beta;
    const x = 0.5 * (e + Math.abs(e));
    const m = ad - x;
    probe += m;
    out[i] = m * m * c + x;
  }
  if (probe !== probe) lossF32Branching(a, b, beta, out, true);
}

/** The loss as written, for every element or (onlyNaN) for the elements the branch-free loop left NaN. */
function lossF32Branching(a: Float32Array, b: Float32Array, beta: number, out: Float32Array, onlyNaN: boolean): void {
  const halfBeta = 0.5 * beta;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    if (onlyNaN && out[i] === out[i]) continue;
    const ad = Math.abs(a[i] - b[i]);
    out[i] = ad < beta ? (0.5 * ad * ad) / beta : ad - halfBeta;
  }
}

/** Elements per block of the float32-storage sum: block sums are combined with TwoSum. */
const BLOCK = 4096;

/**
 * Sum of the losses of float32-storage inputs, in float64: plain float64 sums of blocks
 * (the squares and the linear parts apart, so no division per element), combined with a
 * compensated sum so that the total is as good as float64 allows.
 */
export function sumF32(a: Float32Array, b: Float32Array, beta: number): number {
  if (!(beta > 0 && beta < Infinity)) return sumF32Branching(a, b, beta);
  const c = 0.5 / beta;
  const n = a.length;
  let s = 0;
  let comp = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = start + BLOCK < n ? start + BLOCK : n;
    let squares = 0;
    let linear = 0;
    for (let i = start; i < end; i++) {
      const ad = Math.abs(a[i] - b[i]);
      const e = ad - beta;
      const x = 0.5 * (e + Math.abs(e));
      const m = ad - x;
      squares += m * m;
      linear += x;
    }
    const block = squares * c + linear;
    const t = s + block;
    const bp = t - s;
    comp += s - (t - bp) + (block - bp);
    s = t;
  }
  // NaN: some |d| was inf or NaN; the branching form gives the IEEE answer (inf or NaN).
  return s !== s ? sumF32Branching(a, b, beta) : finish(s, comp);
}

function sumF32Branching(a: Float32Array, b: Float32Array, beta: number): number {
  const halfBeta = 0.5 * beta;
  const n = a.length;
  let s = 0;
  let comp = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = start + BLOCK < n ? start + BLOCK : n;
    let block = 0;
    for (let i = start; i < end; i++) {
      const ad = Math.abs(a[i] - b[i]);
      block += ad < beta ? (0.5 * ad * ad) / beta : ad - halfBeta;
    }
    const t = s + block;
    const bp = t - s;
    comp += s - (t - bp) + (block - bp);
    s = t;
  }
  return finish(s, comp);
}

/*
 * Float64 storage keeps the formula as written (the strict level's float64 intervals are
 * a few float64 ulps wide, so the evaluation order matters), but selects the branch
 * without branching: k = +(|d| < beta) compiles to a flag (0 or 1), not a jump, and
 *
 *   loss = 0.5 * (k|d| / beta) * k|d| + (1 - k) * (|d| - beta/2)
 *
 * is bit-identical to `|d| < beta ? 0.5 * (|d| / beta) * |d| : |d| - beta/2` for finite
 * |d| and 0 < beta < inf (one term is exactly 0, the other is the branch's value). That
 * made the float64 loops ~3-5x faster on random data. |d| = inf or NaN turns k|d| into
 * NaN, which a running sum of k|d| detects; those elements (or the whole sum) are redone
 * with the branching form, as for float32 storage.
 *
 * The quadratic branch is evaluated as 0.5 * (|d| / beta) * |d|: |d| / beta < 1 cannot
 * overflow, and it is subnormal only when the result underflows anyway, whereas |d| * |d|
 * underflows (losing bits) for |d| < 2^-511 even when 0.5 * d^2 / beta is a normal number
 * because beta is tiny.
 */

/*
 * beta = +inf in float64: every finite d is on the quadratic branch, d^2 / (2 inf) = 0,
 * however large d is. Computing d = x - y first would overflow for finite x and y
 * (1.7e308 - (-1.7e308)) and turn that 0 into inf - inf = NaN on the linear branch; so the
 * loss is 0 exactly when x and y are finite, and NaN otherwise (an infinite or NaN d, as
 * the formula gives: an infinite |d| is not < inf, and inf - inf is NaN). x - x is +0 for a
 * finite x and NaN for an infinite or NaN one, which says both without a branch.
 */
function lossF64BetaInf(a: Float64Array, b: Float64Array, out: Float64Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = a[i] - a[i] + (b[i] - b[i]);
}

/** Elementwise loss in float64. */
export function lossF64(a: Float64Array, b: Float64Array, beta: number, out: Float64Array): void {
  if (beta === Infinity) return lossF64BetaInf(a, b, out);
  if (!(beta > 0 && beta < Infinity)) return lossF64Branching(a, b, beta, out, false);
  const halfBeta = 0.5 * beta;
  const n = out.length;
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const ad = Math.abs(a[i] - b[i]);
    const k = +(ad < beta);
    const aq = k * ad;
    probe += aq;
    out[i] = 0.5 * (aq / beta) * aq + (1 - k) * (ad - halfBeta);
  }
  if (probe !== probe) lossF64Branching(a, b, beta, out, true);
}

function lossF64Branching(a: Float64Array, b: Float64Array, beta: number, out: Float64Array, onlyNaN: boolean): void {
  const halfBeta = 0.5 * beta;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    if (onlyNaN && out[i] === out[i]) continue;
    const ad = Math.abs(a[i] - b[i]);
    out[i] = ad < beta ? 0.5 * (ad / beta) * ad : ad - halfBeta;
  }
}

/** Sum of the float64 losses with TwoSum compensation on every term. */
export function sumF64(a: Float64Array, b: Float64Array, beta: number): number {
  if (beta === Infinity) {
    // every loss is 0 or NaN (see lossF64BetaInf)
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] - a[i] + (b[i] - b[i]);
    return s;
  }
  if (!(beta > 0 && beta < Infinity)) return sumF64Branching(a, b, beta);
  const halfBeta = 0.5 * beta;
  const n = a.length;
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const ad = Math.abs(a[i] - b[i]);
    const k = +(ad < beta);
    const aq = k * ad;
    const x = 0.5 * (aq / beta) * aq + (1 - k) * (ad - halfBeta);
    const t = s + x;
    const bp = t - s;
    c += s - (t - bp) + (x - bp);
    s = t;
  }
  // NaN: some |d| was inf or NaN; the branching form gives the IEEE answer (inf or NaN).
  return s !== s ? sumF64Branching(a, b, beta) : finish(s, c);
}

/** The branching sum; `scale` (a power of two, default 1) scales every input and beta, so every loss (see meanF64). */
function sumF64Branching(a: Float64Array, b: Float64Array, beta: number, scale = 1): number {
  beta *= scale;
  const halfBeta = 0.5 * beta;
  const n = a.length;
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const ad = Math.abs(a[i] * scale - b[i] * scale);
    const x = ad < beta ? 0.5 * (ad / beta) * ad : ad - halfBeta;
    const t = s + x;
    const bp = t - s;
    c += s - (t - bp) + (x - bp);
    s = t;
  }
  return finish(s, c);
}

/**
 * The mean of the float64 losses: the sum divided by n, except where the float64 sum
 * overflows although the mean need not (losses of 1.7e308 and 1.5e308 have the mean
 * 1.6e308; a loss of an exact d beyond float64, as for x = 1e308, y = -1e308, counts too).
 * Then every loss is computed scaled by s = 2^-k, from x s, y s and beta s: the loss is
 * homogeneous, L_beta(d) s = L_(beta s)(d s), and scaling by a power of two is exact
 * except for inputs so small that what they lose cannot show in a total this large. With
 * 2^k >= 4n the scaled total stays below 2^1023 (every |d| is below 2^1025); the mean is
 * the scaled total divided by n, scaled back by 2^k (inf where the mean itself overflows).
 * An infinite or NaN loss keeps the sum inf or NaN, as it must.
 */
export function meanF64(a: Float64Array, b: Float64Array, beta: number): number {
  const n = a.length;
  const s = sumF64(a, b, beta);
  if (s !== Infinity) return s / n; // an empty tensor: 0 / 0 = NaN
  const k = 2 + Math.ceil(Math.log2(n));
  const scaled = sumF64Branching(a, b, beta, 2 ** -k);
  return (scaled / n) * 2 ** k;
}

/**
 * The compensated total. Once the running sum is +inf or NaN the compensation term is
 * NaN (inf - inf), but the plain sum is then the right answer: the terms are never
 * negative, so an infinite sum stays infinite and a NaN stays NaN.
 */
function finish(s: number, c: number): number {
  return Number.isFinite(s) ? s + c : s;
}
