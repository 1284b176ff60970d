/** Every documented error condition, and calls where several apply at once (any of them is accepted). */
import type { CaseSpec } from '../build-case.js';
import { floats, nonFloat, pyFloat, pyInt, pyList, pyNone, pyStr, ramp } from '../tensors.js';
import { numel } from '../../../common/tensor.js';
import type { ValueJson } from '../../../common/types.js';

const F3 = () => floats('float32', [3], [1, 2, 3]);

export function errorCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const notTensors: [string, ValueJson, string][] = [
    ['list', pyList([1.0, 2.0, 3.0]), 'a plain list [1.0, 2.0, 3.0]'],
    ['float', pyFloat('1.0'), 'a Python float'],
    ['int', pyInt(1), 'a Python int'],
    ['none', pyNone(), 'None'],
    ['str', pyStr('1 2 3'), 'a str'],
  ];
  for (const [name, v, what] of notTensors) {
    for (const side of ['logits', 'labels'] as const) {
      out.push({
        id: `errors/not-tensor-${side}-${name}`,
        title: `${side} is ${what}`,
        description: `${side} must be a Tensor: ${what} is a TypeError (input-not-tensor) on every profile. Catches implementations that convert array-likes or scalars implicitly.`,
        tags: ['area:errors'],
        inputs: side === 'logits' ? { logits: v, labels: F3(), reduction: pyStr('none') } : { logits: F3(), labels: v, reduction: pyStr('none') },
      });
    }
  }
  const shapes: [number[], number[], string, string[]][] = [
    [[3], [1], 'labels [1] would broadcast to [3]', ['shape:broadcastable']],
    [[1], [3], 'logits [1] would broadcast to [3]', ['shape:broadcastable']],
    [[2, 3], [3], 'labels [3] would broadcast over the rows of [2, 3]', ['shape:broadcastable']],
    [[3], [2, 3], 'logits [3] would broadcast to [2, 3]', ['shape:broadcastable']],
    [[2, 3], [3, 2], 'the same number of elements in a different shape', []],
    [[2, 3], [6], 'the same elements flattened', []],
    [[], [1], 'a 0-d tensor against shape [1] (would broadcast)', ['shape:broadcastable']],
    [[0], [1], 'an empty tensor against one element (would broadcast to empty)', ['shape:broadcastable']],
    [[2, 0], [0, 2], 'two different empty shapes', []],
  ];
  for (const [a, b, what, tags] of shapes) {
    for (const r of a.length === 2 && b.length === 1 && b[0] === 3 ? ['none', 'sum'] : ['none']) {
      out.push({
        id: `errors/shape-${a.join('x') || 'scalar'}-vs-${b.join('x') || 'scalar'}${r === 'sum' ? '-sum' : ''}`,
        title: `Shapes [${a.join(', ')}] and [${b.join(', ')}]${r === 'sum' ? ', reduction sum' : ''}`,
        description: `logits and labels must have the same shape; no broadcasting: ${what}. A ValueError (shape-mismatch) on every profile. PyTorch and aclnn broadcast instead.`,
        tags: ['area:errors', 'area:shapes', ...tags],
        inputs: { logits: floats('float32', a, ramp(numel(a), 1, 'x')), labels: floats('float32', b, ramp(numel(b), 4, 'y')), reduction: pyStr(r) },
      });
    }
  }
  // Several errors at once: the documentation gives no order of checks, so the outcome is
  // any of the applicable errors (the oracle's anyOf); an output is still wrong.
  const combos: [string, string, Partial<Record<'logits' | 'labels' | 'beta' | 'reduction', ValueJson>>][] = [
    ['beta-type-and-reduction', "beta is a str and reduction is 'Mean'", { beta: pyStr('1'), reduction: pyStr('Mean') }],
    ['reduction-and-not-tensor', "reduction is 'Mean' and logits is a list", { logits: pyList([1, 2, 3]), reduction: pyStr('Mean') }],
    ['not-tensor-and-dtype', 'logits is a list and labels is int32', { logits: pyList([1, 2, 3]), labels: nonFloat('int32', [3], [1, 2, 3]) }],
    ['dtype-and-shape', 'logits is int32 and the shapes differ', { logits: nonFloat('int32', [2], [1, 2]) }],
    ['dtype-and-beta', 'labels is bool and beta = -1', { labels: nonFloat('bool', [3], [1, 0, 1]), beta: pyFloat('-1.0') }],
    ['mismatch-and-shape', 'float16 vs float32 (a dtype mismatch on gpu) and the shapes differ', { logits: floats('float16', [2], [1, 2]) }],
    ['shape-and-beta', 'the shapes differ and beta = -1', { logits: floats('float32', [2], [1, 2]), beta: pyFloat('-1.0') }],
    ['mismatch-and-beta', 'float64 vs float32 and beta = 0', { logits: floats('float64', [3], [1, 2, 3]), beta: pyFloat('0.0') }],
    ['bfloat16-and-beta-zero', 'bfloat16 inputs (unsupported on cpu/gpu) and beta = 0 (valid only on ascend)', { logits: floats('bfloat16', [3], [1, 2, 3]), labels: floats('bfloat16', [3], [1, 2, 2]), beta: pyFloat('0.0') }],
    ['beta-type-and-not-tensor', 'beta is None and labels is None', { labels: pyNone(), beta: pyNone() }],
    ['reduction-and-beta-range', "reduction is None and beta = -inf", { beta: pyFloat('-inf'), reduction: pyNone() }],
  ];
  for (const [name, what, over] of combos) {
    out.push({
      id: `errors/order-${name}`,
      title: `Several errors at once: ${what}`,
      description: `When several documented errors apply, the documentation gives no order of checks, so an error of any applicable type is accepted (MindSpore's own order is spec/profiles.json "checkOrder"); returning an output, or raising an error type that none of them has, fails. Here: ${what}.`,
      tags: ['area:errors'],
      inputs: { logits: F3(), labels: F3(), reduction: pyStr('none'), ...over },
    });
  }
  return out;
}
