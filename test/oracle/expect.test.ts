/**
 * expectOutcome on every profile for every error kind, several errors at once (any
 * applicable one is accepted: the documentation gives no order), promotion, and the
 * NaN-beta ambiguity. Expected error types come from
 * spec/profiles.json; which kinds apply is derived here by hand per profile.
 */
import { describe, expect, it } from 'vitest';
import { expectOutcome } from '../../oracle/index.js';
import { profileNames, profilesSpec, type ErrorKind } from '../../common/spec-data.js';
import { allocTensor, tensorFromNumbers } from '../../common/tensor.js';
import type { ArgValue, CallArgs, DType, FloatDType, OutcomeJson, ProfileName } from '../../common/types.js';

const T = (dtype: DType, shape: number[] = [2]): ArgValue => ({ type: 'tensor', tensor: allocTensor(dtype, shape) });
const base = (dtype: FloatDType = 'float32'): CallArgs => ({ logits: T(dtype), labels: T(dtype) });
const err = (kind: ErrorKind) => ({ error: profilesSpec().errors[kind].type, kind });

describe('expectOutcome error kinds on every profile', () => {
  for (const p of profileNames()) {
    const prof = profilesSpec().profiles[p];
    it(`${p}: each error kind`, () => {
      expect(expectOutcome({ ...base(), beta: { type: 'str', value: '1' } }, p)).toEqual(err('beta-bad-type'));
      for (const b of [{ type: 'none' }, { type: 'list', value: [1] }, T('float32', [])] as ArgValue[]) {
        expect(expectOutcome({ ...base(), beta: b }, p)).toEqual(err('beta-bad-type'));
      }
      for (const r of [{ type: 'none' }, { type: 'int', value: 1n }, { type: 'str', value: 'Mean' }, { type: 'str', value: '' }] as ArgValue[]) {
        expect(expectOutcome({ ...base(), reduction: r }, p)).toEqual(err('invalid-reduction'));
      }
      expect(expectOutcome({ logits: { type: 'list', value: [1, 2] }, labels: T('float32') }, p)).toEqual(err('input-not-tensor'));
      expect(expectOutcome({ logits: T('float32'), labels: { type: 'float', value: 1 } }, p)).toEqual(err('input-not-tensor'));
      for (const d of ['int32', 'int64', 'uint8', 'bool', 'complex64'] as DType[]) {
        expect(expectOutcome({ logits: T(d), labels: T(d) }, p)).toEqual(err('unsupported-dtype'));
      }
      for (const d of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
        const o = expectOutcome(base(d), p);
        if (prof.dtypes.includes(d)) expect(o).toMatchObject({ output: { dtype: d, shape: [2] } });
        else expect(o).toEqual(err('unsupported-dtype'));
      }
      expect(expectOutcome({ logits: T('float32', [2]), labels: T('float32', [2, 1]) }, p)).toEqual(err('shape-mismatch'));
      expect(expectOutcome({ logits: T('float32', [1]), labels: T('float32', [2]) }, p)).toEqual(err('shape-mismatch'));
      // beta range: negative always out of range; 0 and -0.0 only for gt0 (tiny betas that
      // float32 rounds to a zero: 'beta that float32 rounds to a zero' below).
      expect(expectOutcome({ ...base(), beta: { type: 'float', value: -1 } }, p)).toEqual(err('beta-out-of-range'));
      expect(expectOutcome({ ...base(), beta: { type: 'int', value: -1n } }, p)).toEqual(err('beta-out-of-range'));
      for (const b of [{ type: 'float', value: 0 }, { type: 'float', value: -0 }, { type: 'bool', value: false }, { type: 'int', value: 0n }] as ArgValue[]) {
        const o = expectOutcome({ ...base(), beta: b }, p);
        if (prof.beta.rule === 'gt0') expect(o).toEqual(err('beta-out-of-range'));
        else expect(o).toMatchObject({ output: { dtype: 'float32' } });
      }
    });
  }
  it('cpu/gpu reject 0 and ascend accepts it (the documented rules)', () => {
    const b: ArgValue = { type: 'float', value: 0 };
    expect(expectOutcome({ ...base(), beta: b }, 'cpu')).toEqual({ error: 'RuntimeError', kind: 'beta-out-of-range' });
    expect(expectOutcome({ ...base(), beta: b }, 'gpu')).toEqual({ error: 'RuntimeError', kind: 'beta-out-of-range' });
    expect(expectOutcome({ ...base(), beta: b }, 'ascend')).toMatchObject({ output: { dtype: 'float32', shape: [2], bits: ['00000000', '00000000'] } });
  });
});

describe('beta that float32 rounds to a zero: its float32 value and its value as given', () => {
  const f64 = (x: number[]): ArgValue => ({ type: 'tensor', tensor: tensorFromNumbers('float64', [x.length], x) });
  const anyOfNote = (o: unknown) => (o as { note: string }).note;
  it('1e-50 (float32 +0): cpu/gpu accept the range error or the output with beta = 1e-50; ascend (>= 0 either way) only the output', () => {
    const b: ArgValue = { type: 'float', value: 1e-50 };
    for (const p of ['cpu', 'gpu'] as ProfileName[]) {
      const o = expectOutcome({ ...base(), beta: b }, p);
      expect(o).toMatchObject({ anyOf: [err('beta-out-of-range'), { output: { dtype: 'float32', shape: [2], bits: ['00000000', '00000000'] } }] });
      expect(anyOfNote(o)).toMatch(/1e-50 rounds to 0 in float32[\s\S]*out of range[\s\S]*as given it is valid/);
    }
    expect(expectOutcome({ ...base(), beta: b }, 'ascend')).toMatchObject({ output: { dtype: 'float32' } });
  });
  it('-1e-50 (float32 -0): ascend accepts the L1 output (beta = 0) or the range error (beta < 0); cpu/gpu reject both readings', () => {
    const b: ArgValue = { type: 'float', value: -1e-50 };
    const o = expectOutcome({ logits: f64([3]), labels: f64([1]), beta: b }, 'cpu');
    expect(o).toEqual(err('beta-out-of-range'));
    const args: CallArgs = { logits: T('float32'), labels: T('float32'), beta: b };
    expect(expectOutcome(args, 'gpu')).toEqual(err('beta-out-of-range'));
    const a = expectOutcome(args, 'ascend');
    expect(a).toMatchObject({ anyOf: [{ output: { dtype: 'float32', shape: [2] } }, err('beta-out-of-range')] });
    expect(anyOfNote(a)).toMatch(/rounds to -0\.0 in float32/);
  });
  it("the output alternative computed with the given beta stores that beta's correctly rounded result", () => {
    // float64 d = 1e-300 with beta 1e-46 (float32: 0): by the given value |d| < beta, so
    // L = 0.5 d^2 / beta = 5e-555, which rounds to +0; L1 (beta = 0) would give 1e-300.
    const o = expectOutcome({ logits: f64([1e-300, 3]), labels: f64([0, 0]), beta: { type: 'float', value: 1e-46 } }, 'cpu');
    const f = (x: number) => Buffer.from(Float64Array.of(x).buffer).reverse().toString('hex');
    expect(o).toMatchObject({ anyOf: [err('beta-out-of-range'), { output: { dtype: 'float64', bits: [f(0), f(3)] } }] });
    // 3 - 0.5e-46 rounds to 3 (the half ulp of 3 is 2^-52)
  });
});

describe('mixed dtypes', () => {
  const mixed = (a: FloatDType, b: FloatDType): CallArgs => ({ logits: T(a), labels: T(b) });
  it('promote on cpu and ascend, error (any type) on gpu', () => {
    expect(expectOutcome(mixed('float16', 'float32'), 'cpu')).toMatchObject({ output: { dtype: 'float32' } });
    expect(expectOutcome(mixed('float16', 'float64'), 'cpu')).toMatchObject({ output: { dtype: 'float64' } });
    expect(expectOutcome(mixed('float16', 'float32'), 'gpu')).toEqual({ error: 'any', kind: 'dtype-mismatch' });
    expect(expectOutcome(mixed('float16', 'bfloat16'), 'ascend')).toMatchObject({ output: { dtype: 'float32' } });
    // cpu has no bfloat16: unsupported before anything else
    expect(expectOutcome(mixed('float16', 'bfloat16'), 'cpu')).toEqual({ error: 'RuntimeError', kind: 'unsupported-dtype' });
    // ascend: float32 + float64 -> float64, which ascend does not support
    expect(expectOutcome(mixed('float32', 'float64'), 'ascend')).toEqual({ error: 'RuntimeError', kind: 'unsupported-dtype' });
  });
});

describe('several errors at once: any applicable documented error is accepted', () => {
  const types = (o: OutcomeJson): string[] => ('anyOf' in o ? o.anyOf.flatMap(types) : 'error' in o ? [o.error] : ['output']);
  const kinds = (o: OutcomeJson): string[] => ('anyOf' in o ? o.anyOf.flatMap(kinds) : 'error' in o ? [o.kind ?? ''] : ['output']);
  it('is an anyOf over the applicable error types (deduplicated), each with its kind, and a note saying the documentation gives no order', () => {
    // beta a str (TypeError), reduction 'MEAN' (ValueError), logits a list (TypeError), labels int32 (RuntimeError)
    const all: CallArgs = { logits: { type: 'list', value: [] }, labels: T('int32'), beta: { type: 'str', value: 'x' }, reduction: { type: 'str', value: 'MEAN' } };
    for (const p of profileNames() as ProfileName[]) {
      const o = expectOutcome(all, p);
      expect(o).toMatchObject({ anyOf: [err('beta-bad-type'), err('invalid-reduction'), err('unsupported-dtype')] });
      expect((o as { note: string }).note).toMatch(/documentation gives no order of checks/);
      expect((o as { note: string }).note).toMatch(/input-not-tensor \(TypeError\)/); // deduplicated into beta-bad-type's TypeError
      expect(types(o).sort()).toEqual(['RuntimeError', 'TypeError', 'ValueError']);
    }
  });
  it('does not require the first in checkOrder: PyTorch (reduction before beta) and MindSpore orders both pass', () => {
    // invalid reduction (ValueError) and beta -1 (RuntimeError)
    const o = expectOutcome({ ...base(), beta: { type: 'float', value: -1 }, reduction: { type: 'str', value: 'MEAN' } }, 'cpu');
    expect(o).toMatchObject({ anyOf: [err('invalid-reduction'), err('beta-out-of-range')] });
    // shape mismatch (ValueError) and beta -1 (RuntimeError): the kernel's range check may come first
    const s = expectOutcome({ logits: T('float32', [1]), labels: T('float32', [2]), beta: { type: 'float', value: -1 } }, 'cpu');
    expect(s).toMatchObject({ anyOf: [err('shape-mismatch'), err('beta-out-of-range')] });
  });
  it('one error type for several kinds is a plain error with a note; a kind that accepts any error subsumes the rest', () => {
    // unsupported dtype and beta out of range: both RuntimeError
    const o = expectOutcome({ logits: T('float32'), labels: T('bool'), beta: { type: 'float', value: -1 } }, 'cpu');
    expect(o).toMatchObject(err('unsupported-dtype'));
    expect((o as { note: string }).note).toMatch(/beta-out-of-range \(RuntimeError\)/);
    // gpu dtype mismatch (any error) and a shape mismatch
    const m = expectOutcome({ logits: T('float16', [2]), labels: T('float32', [3]) }, 'gpu');
    expect(m).toMatchObject({ error: 'any', kind: 'dtype-mismatch' });
    expect(types(m)).toEqual(['any']);
    // on cpu the same inputs promote, and only the shape mismatch applies
    expect(expectOutcome({ logits: T('float16', [2]), labels: T('float32', [3]) }, 'cpu')).toEqual(err('shape-mismatch'));
  });
  it("the range error joins the alternatives when it applies under any reading of beta (float32, as given, NaN)", () => {
    const shape = { logits: T('float32', [1]), labels: T('float32', [2]) };
    // 1e-50: float32 +0 (out of range on cpu), valid as given
    expect(kinds(expectOutcome({ ...shape, beta: { type: 'float', value: 1e-50 } }, 'cpu'))).toEqual(['shape-mismatch', 'beta-out-of-range']);
    expect(expectOutcome({ ...shape, beta: { type: 'float', value: 1e-50 } }, 'ascend')).toEqual(err('shape-mismatch'));
    // -1e-50: float32 -0 (valid on ascend), negative as given
    expect(kinds(expectOutcome({ ...shape, beta: { type: 'float', value: -1e-50 } }, 'ascend'))).toEqual(['shape-mismatch', 'beta-out-of-range']);
    // NaN: one reading of the documentation rejects it
    expect(kinds(expectOutcome({ ...shape, beta: { type: 'float', value: NaN } }, 'cpu'))).toEqual(['shape-mismatch', 'beta-out-of-range']);
    // a valid beta adds nothing
    expect(expectOutcome({ ...shape, beta: { type: 'float', value: 2 } }, 'cpu')).toEqual(err('shape-mismatch'));
  });
  it('checkOrder (MindSpore\'s front-end order, for the in-repo kernels) still names every kind once', () => {
    const ps = profilesSpec();
    expect([...ps.checkOrder].sort()).toEqual(Object.keys(ps.errors).sort());
  });
});

describe('special outcomes', () => {
  it('NaN beta admits the error or the all-NaN output, with a note', () => {
    const o = expectOutcome({ ...base(), beta: { type: 'float', value: NaN } }, 'cpu');
    expect(o).toMatchObject({ anyOf: [{ error: 'RuntimeError', kind: 'beta-out-of-range' }, { output: { dtype: 'float32', shape: [2], bits: ['7fc00000', '7fc00000'] } }] });
    expect((o as { note: string }).note).toMatch(/NaN/);
  });
  it('outputs carry dtype, shape ([] for reductions) and correctly rounded bits', () => {
    const args: CallArgs = {
      logits: { type: 'tensor', tensor: tensorFromNumbers('float16', [3], [1, 2, 3]) },
      labels: { type: 'tensor', tensor: tensorFromNumbers('float16', [3], [1, 2, 2]) },
    };
    expect(expectOutcome(args, 'cpu')).toEqual({ output: { dtype: 'float16', shape: [3], bits: ['0000', '0000', '3800'] } });
    expect(expectOutcome({ ...args, reduction: { type: 'str', value: 'sum' } }, 'gpu')).toEqual({ output: { dtype: 'float16', shape: [], bits: ['3800'] } });
    expect(expectOutcome({ ...args, reduction: { type: 'str', value: 'mean' } }, 'ascend', { withBits: false })).toEqual({ output: { dtype: 'float16', shape: [] } });
  });
});
