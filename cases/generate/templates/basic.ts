/** The documentation's example, shapes, dtypes and reductions. */
import type { CaseSpec } from '../build-case.js';
import { FLOAT_DTYPES, floats, nonFloat, pyBool, pyInt, pyNone, pyStr, ramp } from '../tensors.js';
import { numel } from '../../../common/tensor.js';
import type { OtherDType, ValueJson } from '../../../common/types.js';

const red = (r: string): ValueJson => pyStr(r);

export function docCases(): CaseSpec[] {
  return [
    {
      id: 'doc/example',
      title: "The documentation's example: [1, 2, 3] vs [1, 2, 2] gives [0, 0, 0.5]",
      description: 'float32, default beta (1.0) and default reduction (none), exactly as printed in the operator documentation. The third element has |d| = 1 = beta, so it takes the linear branch: 1 - 0.5 = 0.5 (the quadratic branch gives the same value: the loss is continuous).',
      tags: ['area:doc', 'doc-example', 'threshold'],
      inputs: { logits: floats('float32', [3], [1, 2, 3]), labels: floats('float32', [3], [1, 2, 2]) },
    },
  ];
}

const RANK_SHAPES: number[][] = [[5], [2, 3], [2, 1, 3], [1, 2, 3, 2], [2, 1, 2, 1, 3], [1, 2, 1, 2, 1, 3], [2, 1, 1, 2, 1, 1, 3], [1, 2, 1, 1, 2, 1, 1, 3]];

export function shapeCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const r of ['none', 'mean', 'sum']) {
    out.push({
      id: `shapes/rank-0-${r}`,
      title: `0-d tensors, reduction '${r}'`,
      description: `Scalar (shape []) logits and labels; d = 1.5 takes the linear branch (L = 1). The output has shape [] for every reduction; an implementation that returns shape [1] or fails on 0-d input is caught.`,
      tags: ['area:shapes'],
      inputs: { logits: floats('float32', [], [2.5]), labels: floats('float32', [], [1]), reduction: red(r) },
    });
  }
  RANK_SHAPES.forEach((shape, k) => {
    for (const r of k === RANK_SHAPES.length - 1 || k === 2 ? ['none', 'mean', 'sum'] : ['none']) {
      const n = numel(shape);
      out.push({
        id: `shapes/rank-${shape.length}-${r}`,
        title: `${shape.length}-d tensors of shape [${shape.join(', ')}], reduction '${r}'`,
        description: `Row-major order of a rank-${shape.length} tensor with size-1 dimensions mixed in; elements cover both branches. Catches implementations that transpose, drop size-1 dimensions or mishandle rank ${shape.length}.`,
        tags: ['area:shapes'],
        inputs: { logits: floats('float32', shape, ramp(n, 1, 'x')), labels: floats('float32', shape, ramp(n, 5, 'y')), reduction: red(r) },
      });
    }
  });
  for (const shape of [[1], [1, 1, 1], [1, 5, 1]]) {
    for (const r of ['none', 'sum']) {
      const n = numel(shape);
      out.push({
        id: `shapes/size-1-${shape.join('x')}-${r}`,
        title: `Size-1 dimensions [${shape.join(', ')}], reduction '${r}'`,
        description: 'The output keeps every size-1 dimension for none (no squeezing) and is 0-d for sum.',
        tags: ['area:shapes'],
        inputs: { logits: floats('float32', shape, ramp(n, 2, 'x')), labels: floats('float32', shape, ramp(n, 9, 'y')), reduction: red(r) },
      });
    }
  }
  for (const shape of [[0], [3, 0, 2]]) {
    for (const r of ['none', 'mean', 'sum', undefined]) {
      out.push({
        id: `shapes/empty-${shape.join('x')}-${r ?? 'default'}`,
        title: `Empty tensors of shape [${shape.join(', ')}], reduction ${r ? `'${r}'` : 'absent'}`,
        description: 'No elements: none (and the default) gives an empty tensor of the same shape, sum gives 0, mean gives NaN (0/0). Implementations differ here (ONNX Runtime and TF.js return 0 for mean).',
        tags: ['area:shapes'],
        inputs: { logits: floats('float32', shape, []), labels: floats('float32', shape, []), ...(r ? { reduction: red(r) } : {}) },
      });
    }
  }
  for (const d of ['float16', 'float64'] as const) {
    out.push({
      id: `shapes/empty-0-mean-${d}`,
      title: `Empty ${d} tensors, reduction 'mean'`,
      description: 'The mean of no elements is NaN in every dtype; also checks the output dtype of an empty reduction.',
      tags: ['area:shapes'],
      inputs: { logits: floats(d, [0], []), labels: floats(d, [0], []), reduction: red('mean') },
    });
  }
  return out;
}

/** Six elements exact in every float dtype, covering both branches and |d| = beta (beta = 1). */
const X6 = [0.5, -1.25, 3, 0, 2.5, -0.75];
const Y6 = [0, -1, 0.5, 0, -2, 0.25];

export function dtypeCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const d of FLOAT_DTYPES) {
    for (const r of ['none', 'mean', 'sum']) {
      out.push({
        id: `dtypes/${d}-${r}`,
        title: `${d} inputs, reduction '${r}'`,
        description: `A result where the profile supports ${d} (output dtype ${d}), otherwise the unsupported-dtype RuntimeError. d = [0.5, -0.25, 2.5, 0, 4.5, -1] covers the quadratic branch, the linear branch and |d| = beta.`,
        tags: ['area:dtypes'],
        inputs: { logits: floats(d, [2, 3], X6), labels: floats(d, [2, 3], Y6), reduction: red(r) },
      });
    }
  }
  const others: OtherDType[] = ['int32', 'int64', 'bool', 'uint8', 'complex64'];
  for (const o of others) {
    const ints = o === 'bool' ? [1, 0, 1] : [1, 2, 3];
    for (const side of ['logits', 'labels'] as const) {
      const bad = nonFloat(o, [3], ints);
      const good = floats('float32', [3], [1, 2, 2]);
      out.push({
        id: `dtypes/invalid-${o}-${side}`,
        title: `${o} ${side} (with float32 ${side === 'logits' ? 'labels' : 'logits'})`,
        description: `${o} is not a supported dtype on any profile: RuntimeError (unsupported-dtype). Catches implementations that silently cast ${o} to float.`,
        tags: ['area:dtypes'],
        inputs: side === 'logits' ? { logits: bad, labels: good, reduction: red('none') } : { logits: good, labels: bad, reduction: red('none') },
      });
    }
  }
  out.push({
    id: 'dtypes/invalid-int32-empty',
    title: 'Empty int32 logits and labels',
    description: 'An unsupported dtype is an unsupported-dtype RuntimeError even when the tensors have no element. Catches implementations that return early for empty inputs before checking dtypes.',
    tags: ['area:dtypes'],
    inputs: { logits: nonFloat('int32', [0], []), labels: nonFloat('int32', [0], []), reduction: red('none') },
  });
  out.push({
    id: 'dtypes/invalid-int32-both',
    title: 'int32 logits and int32 labels',
    description: 'Equal but unsupported dtypes: still an unsupported-dtype RuntimeError (no promotion to float).',
    tags: ['area:dtypes'],
    inputs: { logits: nonFloat('int32', [3], [1, 2, 3]), labels: nonFloat('int32', [3], [1, 2, 2]), reduction: red('none') },
  });
  return out;
}

export function reductionCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const inputs = { logits: floats('float32', [2, 3], X6), labels: floats('float32', [2, 3], Y6) };
  for (const r of ['none', 'mean', 'sum', undefined]) {
    out.push({
      id: `reductions/${r ?? 'absent'}`,
      title: r ? `reduction='${r}'` : 'reduction not passed',
      description: r === undefined ? "Without a reduction argument the default 'none' applies: same shape as the inputs (PyTorch's default is 'mean')." : `reduction='${r}' on a 2x3 float32 input covering both branches.`,
      tags: ['area:reductions'],
      inputs: { ...inputs, ...(r ? { reduction: red(r) } : {}) },
    });
  }
  const invalid: [string, ValueJson, string][] = [
    ['Mean', pyStr('Mean'), "capitalised 'Mean': reduction names are case-sensitive"],
    ['MEAN', pyStr('MEAN'), "upper-case 'MEAN' (a lower-level MindSpore path upper-cases names and would accept it)"],
    ['empty-string', pyStr(''), 'the empty string'],
    ['leading-space', pyStr(' mean'), "' mean' with a leading blank: no trimming"],
    ['trailing-space', pyStr('sum '), "'sum ' with a trailing blank"],
    ['avg', pyStr('avg'), "'avg', a name some libraries use"],
    ['elementwise-mean', pyStr('elementwise_mean'), "'elementwise_mean', an old PyTorch spelling"],
    ['none-value', pyNone(), "None instead of the string 'none'"],
    ['int-1', pyInt(1), 'the int 1 (an enum value in some frameworks)'],
    ['bool-true', pyBool(true), 'the bool True'],
  ];
  for (const [name, v, what] of invalid) {
    out.push({
      id: `reductions/invalid-${name}`,
      title: `Invalid reduction: ${what.split(':')[0]}`,
      description: `reduction must be exactly one of the strings 'none', 'mean', 'sum'; ${what} is a ValueError (invalid-reduction) on every profile.`,
      tags: ['area:reductions'],
      inputs: { ...inputs, reduction: v },
    });
  }
  return out;
}
