// TensorFlow.js (@tensorflow/tfjs, pure-JS CPU backend) as SmoothL1Loss, for the module runner:
//   npx smoothl1 run --runner module --module adapters/tfjs/adapter.mjs
//
// tfjs has no SmoothL1 op; its Huber loss is the same function scaled by delta:
//   huber_delta(d) = 0.5 d^2 (|d| <= delta), delta (|d| - delta/2) otherwise
//   => SmoothL1_beta = huberLoss(labels, logits, undefined, delta = beta, reduction) / beta.
// The adapter is a faithful pipe (spec/runner-contract.md section 4), not a fix-up:
//  - beta absent -> huberLoss's own default delta (1.0) and no division; present -> passed as
//    delta as the JS value it is (float/int -> number, bool -> boolean), then loss / beta;
//  - reduction absent -> tfjs's default (SUM_BY_NONZERO_WEIGHTS); 'none'/'mean'/'sum' ->
//    Reduction.NONE/MEAN/SUM; any other value is passed through unchanged for tfjs to judge;
//  - tensors keep their dtype name: tfjs knows float32, int32, bool, complex64; for the others
//    (float16, bfloat16, float64, int64, uint8) tf.tensor() raises what it raises;
//  - non-tensor logits/labels go in as the JS values they stand for (numbers, arrays, null, ...);
//    an int that no JS number holds exactly is reported as a crash (runner contract), not rounded;
//  - whatever tfjs throws is the raised error (its class name is usually plain 'Error').
import * as tf from '@tensorflow/tfjs';

export const name = 'tfjs';
export const version = tf.version.tfjs;
export const nativeProfile = 'cpu';

export async function init() {
  await tf.setBackend('cpu');
  await tf.ready();
}

const REDUCTIONS = { none: tf.Reduction.NONE, mean: tf.Reduction.MEAN, sum: tf.Reduction.SUM };

function f16(h) {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 31, frac = h & 1023;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

function bf16(h) {
  return new Float32Array(new Uint32Array([h << 16]).buffer)[0]; // the top half of a float32
}

function toTf(v) {
  switch (v.type) {
    case 'tensor': {
      const { dtype, shape, data } = v.tensor;
      if (dtype === 'complex64') {
        const n = data.length / 2;
        const re = new Float32Array(n), im = new Float32Array(n);
        for (let i = 0; i < n; i++) { re[i] = data[2 * i]; im[i] = data[2 * i + 1]; }
        return tf.complex(tf.tensor(re, shape), tf.tensor(im, shape));
      }
      // Values as a tfjs user would hold them: 16-bit floats decoded, int64 as numbers and
      // float64 as a plain array (tf.tensor takes no Float64Array), with the dtype named as
      // it is, so tfjs itself decides what it accepts ("Unknown data type ...").
      const values = dtype === 'float16' ? Array.from(data, f16) : dtype === 'bfloat16' ? Array.from(data, bf16) : dtype === 'int64' ? Array.from(data, Number) : dtype === 'float64' ? Array.from(data) : data;
      return tf.tensor(values, shape, dtype);
    }
    case 'float': return v.value;
    case 'int': {
      // tfjs takes JS numbers; an int no double holds exactly cannot be passed faithfully,
      // which the runner contract says to report as a crash rather than round silently.
      const n = Number(v.value);
      if (!Number.isFinite(n) || BigInt(n) !== v.value) { // (an int beyond binary64 has no finite one at all)
        const e = new Error(`the int ${v.value} has no exact JS number; tfjs cannot be called with it`);
        e.name = 'ImplementationCrash';
        throw e;
      }
      return n;
    }
    case 'bool': return v.value;
    case 'str': return v.value;
    case 'none': return null;
    case 'list': return v.value;
  }
}

function fromTf(t) {
  const shape = [...t.shape];
  if (t.dtype === 'complex64') {
    const re = tf.real(t).dataSync(), im = tf.imag(t).dataSync();
    const data = new Float32Array(2 * re.length);
    for (let i = 0; i < re.length; i++) { data[2 * i] = re[i]; data[2 * i + 1] = im[i]; }
    return { dtype: 'complex64', shape, data };
  }
  const values = t.dataSync();
  if (t.dtype === 'float32') return { dtype: 'float32', shape, data: Float32Array.from(values) };
  if (t.dtype === 'int32') return { dtype: 'int32', shape, data: Int32Array.from(values) };
  if (t.dtype === 'bool') return { dtype: 'bool', shape, data: Uint8Array.from(values) };
  throw new Error(`tfjs returned a ${t.dtype} tensor, which the suite cannot represent`);
}

export function smoothL1Loss(args) {
  const loss = tf.tidy(() => {
    const labels = toTf(args.labels);
    const predictions = toTf(args.logits);
    const beta = args.beta === undefined ? undefined : toTf(args.beta);
    let reduction;
    if (args.reduction !== undefined) {
      const r = toTf(args.reduction);
      reduction = typeof r === 'string' && Object.hasOwn(REDUCTIONS, r) ? REDUCTIONS[r] : r;
    }
    const huber = tf.losses.huberLoss(labels, predictions, undefined, beta, reduction);
    return beta === undefined ? huber : tf.div(huber, beta);
  });
  try {
    return { kind: 'output', tensor: fromTf(loss) };
  } finally {
    loss.dispose();
  }
}
