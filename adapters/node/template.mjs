// SmoothL1Loss in plain JavaScript (no dependencies) for the module runner:
//   npx smoothl1 run --runner module --module adapters/node/template.mjs
// A template: replace the body of smoothL1Loss with a call into your implementation.
// It implements the documented MindSpore CPU profile (float16/32/64, beta > 0, implicit
// type conversion, no broadcasting), checking arguments in spec/profiles.json's order.
// Arguments and results follow spec/runner-contract.md: float16 travels as Uint16Array
// bit patterns; throwing an Error named TypeError/ValueError/RuntimeError = raising it.
export const name = 'node-template';
export const version = '1.0';
export const nativeProfile = 'cpu';

const RANK = { float16: 0, float32: 1, float64: 2 }; // the supported dtypes, by width
const OP = "For 'SmoothL1Loss'";

function raise(type, message) {
  const e = new Error(`${OP}, ${message}`);
  e.name = type;
  throw e;
}

function f16ToNumber(h) {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 31, frac = h & 1023;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

function roundEven(v) {
  const f = Math.floor(v), r = v - f;
  return r > 0.5 || (r === 0.5 && f % 2 === 1) ? f + 1 : f;
}

// Double -> float16 bits, round to nearest even, gradual underflow, overflow to inf.
function numberToF16(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  x = Math.abs(x);
  if (x >= 65520) return sign | 0x7c00; // at or past half-way to 2^16
  if (x < 2 ** -14) return sign | roundEven(x * 2 ** 24); // subnormal (1024 carries into 0x400)
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  const m = roundEven(x * 2 ** (10 - e)); // 1024..2048; 2048 carries into the exponent
  return sign | (((e + 15) << 10) + (m - 1024));
}

const read = (t) => (t.dtype === 'float16' ? Array.from(t.data, f16ToNumber) : Array.from(t.data));

export function smoothL1Loss(args) {
  const { logits, labels, beta, reduction } = args; // absent beta/reduction: the defaults below
  if (beta !== undefined && !['float', 'int', 'bool'].includes(beta.type))
    raise('TypeError', `the 'beta' must be a float, int or bool, but got ${beta.type}.`);
  if (reduction !== undefined && !(reduction.type === 'str' && ['none', 'mean', 'sum'].includes(reduction.value)))
    raise('ValueError', `the 'reduction' must be in ['none', 'mean', 'sum'], but got ${reduction.type} ${String(reduction.value ?? 'None')}.`);
  for (const [n, v] of [['logits', logits], ['labels', labels]])
    if (v.type !== 'tensor') raise('TypeError', `the '${n}' must be a Tensor, but got ${v.type}.`);
  const x = logits.tensor, y = labels.tensor;
  for (const [n, t] of [['logits', x], ['labels', y]])
    if (!(t.dtype in RANK)) raise('RuntimeError', `the dtype of '${n}' must be in [float16, float32, float64], but got ${t.dtype}.`);
  if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i]))
    raise('ValueError', `the shape of 'logits' and 'labels' must be the same, but got [${x.shape}] and [${y.shape}].`);
  // beta is stored as a C float (float32); ints go through a double first, bools are 1/0.
  const b = beta === undefined ? 1 : beta.type === 'bool' ? Number(beta.value) : Math.fround(Number(beta.value));
  if (!(b > 0)) raise('RuntimeError', `the 'beta' must be greater than 0, but got ${b}.`);
  const out = RANK[x.dtype] >= RANK[y.dtype] ? x.dtype : y.dtype; // implicit type conversion
  const xs = read(x), ys = read(y);
  // Doubles throughout: exact differences for half/single inputs, and d * (d / b) cannot
  // overflow on the quadratic branch (d < b there); one rounding to the output dtype.
  const f = (d, b) => (d < b ? 0.5 * (d * (d / b)) : d - 0.5 * b); // NaN takes the second branch
  const loss = xs.map((xi, i) => {
    const d = Math.abs(xi - ys[i]);
    // x - y overflows a double for finite 1.7e308 and -1.7e308 although the loss need not
    // (with b = inf it is 0): the loss is homogeneous, L(d; b) = 2 L(d/2; b/2).
    if (d === Infinity && Number.isFinite(xi) && Number.isFinite(ys[i])) return 2 * f(Math.abs(xi / 2 - ys[i] / 2), b / 2);
    return f(d, b);
  });
  const mode = reduction === undefined ? 'none' : reduction.value;
  let values = loss, shape = [...x.shape];
  if (mode !== 'none') {
    const sum = loss.reduce((s, v) => s + v, 0);
    let mean = sum / loss.length; // empty mean: 0 / 0 = NaN
    // the sum overflows where the mean need not: divide each term first
    if (mean === Infinity && loss.every(Number.isFinite)) mean = loss.reduce((s, v) => s + v / loss.length, 0);
    values = [mode === 'sum' ? sum : mean];
    shape = [];
  }
  const data = out === 'float16' ? Uint16Array.from(values, numberToF16) : out === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return { kind: 'output', tensor: { dtype: out, shape, data } };
}
