/**
 * The ONNX graph that implements SmoothL1Loss for one (dtype, reduction, beta):
 *
 *   d = Sub(logits, labels); a = Abs(d)
 *   quadratic = Mul(Mul(a, 0.5), Div(a, beta))     -- 0.5*d^2/beta
 *   linear    = Sub(a, 0.5*beta)
 *   loss      = Where(Less(a, beta), quadratic, linear)
 *   sum       = ReduceSum(Cast(loss, DOUBLE))            -- float64: a pairwise tree instead
 *   mean      = Div(sum, Cast(Size(loss), DOUBLE))       -- 0/0 = NaN for an empty input
 *
 * ONNX has no SmoothL1Loss operator; these are standard ai.onnx ops at opset 18 (IR 8).
 * The inputs carry no shape, so one model serves every rank, 0-d and empty tensors included.
 *
 * Why this form:
 * - 0.5*d^2/beta is evaluated as (0.5*a)*(a/beta): a/beta < 1 on the quadratic branch, so
 *   no intermediate overflows (d*d would overflow for |d| > 2^64 in float32 although the
 *   loss is finite for a large beta), and 0.5*a is exact for normal a.
 * - Where selects instead of blending with a 0/1 mask, so inf or NaN in the branch that is
 *   not taken (a/beta with beta = 0, the L1 case) never leaks into the result. NaN in d
 *   makes Less false, so the linear branch propagates the NaN.
 * - Half types (float16, bfloat16) are computed in float32 (Cast in, Cast out): the strict
 *   tolerance level requires float32 working precision for them, and ORT has no bfloat16
 *   arithmetic kernels on the CPU at all. The mode 'native' (probes only) keeps float16
 *   arithmetic in float16 so the difference can be shown (there is none on ORT's CPU
 *   provider except beta's rounding: it runs float16 ops in float32; docs/onnxruntime.md).
 * - Reductions of float16/bfloat16/float32 accumulate in float64 (Cast to DOUBLE, then
 *   ReduceSum), like MindSpore's CPU kernel; float64 is summed pairwise (pairwiseSum).
 * - The mean is ReduceSum / element count, not ReduceMean: ORT's ReduceMean returns 0 for
 *   an empty tensor where the spec requires NaN (mean of nothing); sum/count gives 0/0 = NaN.
 *
 * bfloat16: ORT's JS API has no bfloat16 tensor type. The model's inputs and output for
 * bfloat16 are FLOAT tensors holding bfloat16 values; inputs are rounded with
 * Cast(to=BFLOAT16) -> Cast(to=FLOAT) (a no-op for the exact bfloat16 values the runner
 * feeds, but it makes an exported model a bfloat16 operator for any float32 input) and so
 * is the result, which rounds it to nearest even.
 */
import type { FloatDType, Reduction } from '../../common/types.js';
import { encodeModel, OnnxType } from './onnx-proto.js';
import type { OnnxElemType, OnnxInitializer, OnnxNode, OnnxValueInfo } from './onnx-proto.js';

export const IR_VERSION = 8;
export const OPSET_VERSION = 18;
export const PRODUCER_NAME = 'smoothl1-conformance';
export const INPUT_NAMES = ['logits', 'labels'] as const;
export const OUTPUT_NAME = 'loss';
export const PRODUCER_VERSION = `SmoothL1Loss graph 1 (ai.onnx opset ${OPSET_VERSION}, IR ${IR_VERSION})`;

/** How float16 arithmetic is done: in float32 (the runner's choice) or in float16 (probes). */
export type HalfArithmetic = 'float32' | 'native';

export interface SmoothL1ModelSpec {
  dtype: FloatDType;
  reduction: Reduction;
  /** beta as the operator sees it: a float32 value (validation.ts gives it). */
  beta: number;
  /** float16 only; default 'float32'. */
  halfArithmetic?: HalfArithmetic;
}

/** The ORT/JS tensor type that carries a dtype in and out of the model. */
export type IoTensorType = 'float16' | 'float32' | 'float64';
export function ioTensorType(dtype: FloatDType): IoTensorType {
  switch (dtype) {
    case 'float16':
      return 'float16';
    case 'bfloat16': // no bfloat16 tensors in onnxruntime's JS API: float32 carries them
    case 'float32':
      return 'float32';
    case 'float64':
      return 'float64';
  }
}

const ONNX_OF_IO: Record<IoTensorType, OnnxElemType> = { float16: OnnxType.FLOAT16, float32: OnnxType.FLOAT, float64: OnnxType.DOUBLE };

export function checkModelSpec(spec: SmoothL1ModelSpec): void {
  const dtypes: FloatDType[] = ['float16', 'bfloat16', 'float32', 'float64'];
  if (!dtypes.includes(spec.dtype)) throw new Error(`SmoothL1 ONNX model: dtype must be one of ${dtypes.join(', ')}, got '${String(spec.dtype)}'`);
  const reductions: Reduction[] = ['none', 'mean', 'sum'];
  if (!reductions.includes(spec.reduction)) throw new Error(`SmoothL1 ONNX model: reduction must be one of ${reductions.join(', ')}, got '${String(spec.reduction)}'`);
  if (typeof spec.beta !== 'number' || Math.fround(spec.beta) !== spec.beta) {
    throw new Error(`SmoothL1 ONNX model: beta must be a float32 value (not NaN), got ${String(spec.beta)}`);
  }
  if (spec.halfArithmetic === 'native' && spec.dtype !== 'float16') {
    throw new Error(`SmoothL1 ONNX model: halfArithmetic 'native' applies to float16 only, not ${spec.dtype}`);
  }
}

/** Little-endian bytes of one scalar in a float type (float32 or float64). */
function scalarBytes(type: 'float32' | 'float64', v: number): Uint8Array {
  const b = new Uint8Array(type === 'float32' ? 4 : 8);
  const view = new DataView(b.buffer);
  if (type === 'float32') view.setFloat32(0, v, true);
  else view.setFloat64(0, v, true);
  return b;
}

/** Builds node lists with unique, readable names. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];

  op(opType: string, inputs: string[], output: string, attributes?: { name: string; i: number }[]): string {
    const node: OnnxNode = { opType, inputs, outputs: [output], name: `${output}_${opType}` };
    if (attributes) node.attributes = attributes;
    this.nodes.push(node);
    return output;
  }

  cast(input: string, to: OnnxElemType, output: string): string {
    return this.op('Cast', [input], output, [{ name: 'to', i: to }]);
  }

  /** An int64 constant (1-D by default). */
  int64s(name: string, values: bigint[], dims: number[] = [values.length]): string {
    const raw = new Uint8Array(8 * values.length);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
    this.initializers.push({ name, elemType: OnnxType.INT64, dims, raw });
    return name;
  }

  /** A 0-d constant. */
  scalar(name: string, type: 'float32' | 'float64', v: number): string {
    this.initializers.push({ name, elemType: type === 'float32' ? OnnxType.FLOAT : OnnxType.DOUBLE, dims: [], raw: scalarBytes(type, v) });
    return name;
  }
}

/**
 * Levels of pairwise summation built into the graph: enough for 2^31 elements to be summed
 * as a balanced tree. Longer inputs still get a correct sum: the remaining partial sums
 * (at most n / 2^31 of them) go through one plain ReduceSum.
 */
export const PAIRWISE_LEVELS = 31;

/**
 * Pairwise (tree) summation of all elements, in a graph with no loop: each level pads the
 * flat vector to an even length with one 0 (exact to add), reshapes it to [-1, 2] and sums
 * the pairs. ORT's own ReduceSum of a vector accumulates serially (its float64 error grew
 * like n in a probe: 123 u*sum|x| for 10^6 elements, above the pairwise bound
 * ceil(log2 n) u*sum|x| that the strict level allows).
 * Levels whose input is already a single element cost a few microseconds each.
 */
function pairwiseSum(g: GraphBuilder, input: string, prefix = ''): string {
  const minusOne = g.int64s(`${prefix}flat_shape`, [-1n]);
  const pairShape = g.int64s(`${prefix}pair_shape`, [-1n, 2n]);
  const two = g.int64s(`${prefix}two`, [2n], []);
  const padRight = g.int64s(`${prefix}pad_right_mask`, [0n, 1n]);
  const axis1 = g.int64s(`${prefix}axis_1`, [1n]);
  let v = g.op('Reshape', [input, minusOne], `${prefix}flat`);
  for (let level = 0; level < PAIRWISE_LEVELS; level++) {
    const odd = g.op('Mod', [g.op('Size', [v], `${prefix}len_${level}`), two], `${prefix}odd_${level}`);
    const padded = g.op('Pad', [v, g.op('Mul', [odd, padRight], `${prefix}pads_${level}`)], `${prefix}even_${level}`);
    const pairs = g.op('Reshape', [padded, pairShape], `${prefix}pairs_${level}`);
    v = g.op('ReduceSum', [pairs, axis1], `${prefix}partial_${level}`, [{ name: 'keepdims', i: 0 }]);
  }
  return g.op('ReduceSum', [v], `${prefix}total`, [{ name: 'keepdims', i: 0 }]);
}

/** The ONNX graph as a protobuf-encoded ModelProto. Deterministic: same spec -> same bytes. */
export function buildSmoothL1Model(spec: SmoothL1ModelSpec): Uint8Array {
  checkModelSpec(spec);
  const { dtype, reduction, beta } = spec;
  const native = spec.halfArithmetic === 'native';
  const io = ioTensorType(dtype);
  const ioType = ONNX_OF_IO[io];
  const g = new GraphBuilder();

  // Working type of the element-wise arithmetic.
  const work: 'float32' | 'float64' = dtype === 'float64' ? 'float64' : 'float32';
  const workType = work === 'float64' ? OnnxType.DOUBLE : OnnxType.FLOAT;

  // Inputs into the working type.
  let x = 'logits';
  let y = 'labels';
  if (dtype === 'float16' && !native) {
    x = g.cast(x, OnnxType.FLOAT, 'logits_f32');
    y = g.cast(y, OnnxType.FLOAT, 'labels_f32');
  } else if (dtype === 'bfloat16') {
    x = g.cast(g.cast(x, OnnxType.BFLOAT16, 'logits_bf16'), OnnxType.FLOAT, 'logits_f32');
    y = g.cast(g.cast(y, OnnxType.BFLOAT16, 'labels_bf16'), OnnxType.FLOAT, 'labels_f32');
  }

  // Constants in the working type. beta is a float32 value, exact in float32 and float64;
  // 0.5*beta is exact in float64 and rounded once to float32 (inexact only for subnormal beta).
  let betaC = g.scalar('beta', work, beta);
  let halfBetaC = g.scalar('half_beta', work, work === 'float32' ? Math.fround(0.5 * beta) : 0.5 * beta);
  let halfC = g.scalar('half', work, 0.5);
  if (native) {
    // float16 arithmetic: the constants rounded to float16 by ORT's Cast.
    betaC = g.cast(betaC, OnnxType.FLOAT16, 'beta_f16');
    halfBetaC = g.cast(halfBetaC, OnnxType.FLOAT16, 'half_beta_f16');
    halfC = g.cast(halfC, OnnxType.FLOAT16, 'half_f16');
  }

  /** The loss of |d| = a: Where(a < beta, (a * 0.5) * (a / beta), a - beta/2). */
  const elementLoss = (a: string, beta: string, halfBeta: string, tag: string): string => {
    const isQuadratic = g.op('Less', [a, beta], `is_quadratic${tag}`);
    const quadratic = g.op('Mul', [g.op('Mul', [a, halfC], `half_abs${tag}`), g.op('Div', [a, beta], `abs_over_beta${tag}`)], `quadratic${tag}`);
    const linear = g.op('Sub', [a, halfBeta], `linear${tag}`);
    return g.op('Where', [isQuadratic, quadratic, linear], `elem_loss${tag}`);
  };
  const d = g.op('Sub', [x, y], 'diff');
  let result = elementLoss(g.op('Abs', [d], 'abs_diff'), betaC, halfBetaC, '');
  if (!native) {
    // x - y overflows the working type for finite x and y (1.7e308 - (-1.7e308)) where the
    // loss need not (with beta = inf it is 0): those elements are computed from halves, the
    // loss being homogeneous, L(d; beta) = 2 L(d/2; beta/2). (IsInf has no float16 kernel
    // in this opset, so float16 arithmetic keeps the plain form.)
    const finite = g.op('Not', [g.op('Or', [g.op('IsInf', [x], 'logits_inf'), g.op('IsInf', [y], 'labels_inf')], 'input_inf')], 'inputs_finite');
    const overflowed = g.op('And', [g.op('IsInf', [d], 'diff_inf'), finite], 'diff_overflowed');
    const halfX = g.op('Mul', [x, halfC], 'logits_half');
    const halfY = g.op('Mul', [y, halfC], 'labels_half');
    const absHalf = g.op('Abs', [g.op('Sub', [halfX, halfY], 'diff_half')], 'abs_diff_half');
    const quarterBetaC = g.scalar('quarter_beta', work, work === 'float32' ? Math.fround(0.25 * beta) : 0.25 * beta);
    const halved = elementLoss(absHalf, halfBetaC, quarterBetaC, '_half');
    const doubled = g.op('Mul', [halved, g.scalar('two_f', work, 2)], 'elem_loss_from_halves');
    result = g.op('Where', [overflowed, doubled, result], 'elem_loss_safe');
  }
  // The type `result` has now: the working type, or float16 in native mode.
  let resultType: OnnxElemType = native ? OnnxType.FLOAT16 : workType;

  if (reduction !== 'none') {
    // Accumulate in float64 (float64 inputs are already there).
    const acc = resultType === OnnxType.DOUBLE ? result : g.cast(result, OnnxType.DOUBLE, 'loss_f64');
    // float64 elements are summed pairwise (ORT's ReduceSum accumulates serially, see
    // pairwiseSum); float32 elements summed serially in float64 are far inside float32's
    // pairwise error bound, so they take the single ReduceSum.
    const total = dtype === 'float64' ? pairwiseSum(g, acc) : g.op('ReduceSum', [acc], 'total', [{ name: 'keepdims', i: 0 }]);
    if (reduction === 'sum') result = total;
    else {
      const count = g.cast(g.op('Size', [acc], 'count_i64'), OnnxType.DOUBLE, 'count');
      result = g.op('Div', [total, count], 'mean');
      if (dtype === 'float64') {
        // a float64 sum can overflow where the mean does not (1.7e308 and 1.5e308): then
        // the mean is the sum of the losses divided by n first
        const meanOfTerms = pairwiseSum(g, g.op('Div', [acc, count], 'loss_over_n'), 'scaled_');
        result = g.op('Where', [g.op('IsInf', [total], 'total_inf'), meanOfTerms, result], 'mean_safe');
      }
    }
    resultType = OnnxType.DOUBLE;
  }

  // Result into the output type.
  if (dtype === 'bfloat16') {
    if (resultType !== OnnxType.FLOAT) result = g.cast(result, OnnxType.FLOAT, 'result_f32');
    result = g.cast(g.cast(result, OnnxType.BFLOAT16, 'result_bf16'), OnnxType.FLOAT, 'result_bf16_as_f32');
  } else if (dtype === 'float16' && resultType === OnnxType.DOUBLE) {
    // float64 -> float32 -> float16 (ORT's Cast goes through float for float16 anyway).
    result = g.cast(g.cast(result, OnnxType.FLOAT, 'result_f32'), OnnxType.FLOAT16, 'result_f16');
  } else if (resultType !== ioType) {
    result = g.cast(result, ioType, 'result_io');
  }
  // The output is always named 'loss', whatever the last node is (ORT drops the Identity).
  g.op('Identity', [result], OUTPUT_NAME);

  const inputs: OnnxValueInfo[] = [
    { name: 'logits', elemType: ioType },
    { name: 'labels', elemType: ioType },
  ];
  // 'none' keeps the input's shape (any rank); reductions give a 0-d tensor.
  const outputs: OnnxValueInfo[] = [reduction === 'none' ? { name: OUTPUT_NAME, elemType: ioType } : { name: OUTPUT_NAME, elemType: ioType, shape: [] }];
  return encodeModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: `SmoothL1Loss(dtype=${dtype}, reduction=${reduction}, beta=${beta}${native ? ', float16 arithmetic' : ''}) for onnxruntime; see docs/onnxruntime.md`,
    graphName: `smoothl1_${dtype}_${reduction}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs,
    outputs,
    metadata: { dtype, reduction, beta: String(beta), half_arithmetic: dtype === 'float16' ? (native ? 'float16' : 'float32') : 'n/a' },
  });
}

