/**
 * runners/validation.ts against the rules as spec/profiles.json and spec/dtypes.json state
 * them: expected error types are read from the spec, expected beta values are computed by
 * hand (float32 values written out), and the check order is the spec's checkOrder.
 */
import { describe, expect, it } from 'vitest';
import { profilesSpec, dtypesSpec } from '../../common/spec-data.js';
import type { ErrorKind } from '../../common/spec-data.js';
import type { ArgValue, CallArgs, DType, FloatDType, ProfileName } from '../../common/types.js';
import { validateCall } from '../../runners/validation.js';

const spec = profilesSpec();
const profiles = Object.keys(spec.profiles) as ProfileName[];

function tensor(dtype: DType, shape: number[]): ArgValue {
  const n = shape.reduce((a, b) => a * b, 1);
  const data =
    dtype === 'float16' || dtype === 'bfloat16' ? new Uint16Array(n)
    : dtype === 'float32' ? new Float32Array(n)
    : dtype === 'float64' ? new Float64Array(n)
    : dtype === 'int32' ? new Int32Array(n)
    : dtype === 'int64' ? new BigInt64Array(n)
    : dtype === 'complex64' ? new Float32Array(2 * n)
    : new Uint8Array(n);
  return { type: 'tensor', tensor: { dtype, shape, data } };
}

/** A dtype every profile supports, to build otherwise-valid calls. */
const common: FloatDType = (Object.keys(dtypesSpec().float) as FloatDType[]).find((d) => profiles.every((p) => spec.profiles[p].dtypes.includes(d)))!;

function valid(over: Partial<CallArgs> = {}): CallArgs {
  return { logits: tensor(common, [2, 3]), labels: tensor(common, [2, 3]), ...over };
}

function errorOf(args: CallArgs, profile: ProfileName) {
  const v = validateCall(args, profile);
  if (v.ok) throw new Error(`expected an error, got a normalised call`);
  return v.error;
}

/** The error type the spec requires for a kind ('any' admits the three documented types). */
function expectType(kind: ErrorKind, got: string): void {
  const t = spec.errors[kind].type;
  if (t === 'any') expect(['TypeError', 'ValueError', 'RuntimeError']).toContain(got);
  else expect(got).toBe(t);
}

/** One call per profile that breaks exactly the given rule, or undefined where the profile has no such error. */
function violation(kind: ErrorKind, profile: ProfileName): CallArgs | undefined {
  const p = spec.profiles[profile];
  const unsupported = (Object.keys(dtypesSpec().float) as FloatDType[]).find((d) => !p.dtypes.includes(d))!;
  switch (kind) {
    case 'input-not-tensor':
      return valid({ labels: { type: 'list', value: [1, 2, 3] } });
    case 'unsupported-dtype':
      return valid({ logits: tensor(unsupported, [2, 3]), labels: tensor(unsupported, [2, 3]) });
    case 'dtype-mismatch': {
      if (p.mixedDtypes !== 'error') return undefined;
      const other = p.dtypes.find((d) => d !== common)!;
      return valid({ labels: tensor(other, [2, 3]) });
    }
    case 'shape-mismatch':
      return valid({ labels: tensor(common, [3, 2]) });
    case 'invalid-reduction':
      return valid({ reduction: { type: 'str', value: 'Mean' } });
    case 'beta-bad-type':
      return valid({ beta: { type: 'str', value: '1.0' } });
    case 'beta-out-of-range':
      return valid({ beta: { type: 'float', value: -1 } });
  }
}

describe('validateCall: each error kind on each profile', () => {
  for (const profile of profiles) {
    for (const kind of Object.keys(spec.errors) as ErrorKind[]) {
      const args = violation(kind, profile);
      if (args === undefined) continue;
      it(`${profile}: ${kind}`, () => {
        const e = errorOf(args, profile);
        expect(e.kind).toBe(kind);
        expectType(kind, e.errorType);
        expect(e.message).toMatch(/^For 'SmoothL1Loss', /);
      });
    }
  }

  it('mixed dtypes are promoted where the profile promotes, rejected where it does not', () => {
    for (const profile of profiles) {
      const p = spec.profiles[profile];
      const [x, y] = p.dtypes;
      const v = validateCall(valid({ logits: tensor(x, [2]), labels: tensor(y, [2]) }), profile);
      if (p.mixedDtypes === 'promote') {
        expect(v.ok).toBe(true);
      } else {
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.error.kind).toBe('dtype-mismatch');
      }
    }
  });

  it('every non-float dtype is unsupported everywhere', () => {
    for (const profile of profiles) {
      for (const d of Object.keys(dtypesSpec().other) as DType[]) {
        const e = errorOf(valid({ logits: tensor(d, [2, 3]) }), profile);
        expect(e.kind).toBe('unsupported-dtype');
        expect(e.message).toContain(d);
      }
    }
  });
});

describe('validateCall: check order follows spec/profiles.json checkOrder', () => {
  it('a call breaking every rule reports them one by one as they are fixed', () => {
    // gpu has every rule (it rejects mixed dtypes); build the worst call, then repair it
    // rule by rule in checkOrder and watch the reported kind move along the order.
    const profile = profiles.find((p) => spec.profiles[p].mixedDtypes === 'error')!;
    const p = spec.profiles[profile];
    const unsupported = (Object.keys(dtypesSpec().float) as FloatDType[]).find((d) => !p.dtypes.includes(d))!;
    const other = p.dtypes.find((d) => d !== common)!;
    const fixes: Record<ErrorKind, (a: CallArgs) => CallArgs> = {
      'beta-bad-type': (a) => ({ ...a, beta: { type: 'float', value: -2 } }),
      'invalid-reduction': (a) => ({ ...a, reduction: { type: 'str', value: 'sum' } }),
      'input-not-tensor': (a) => ({ ...a, logits: tensor(unsupported, [2]) }),
      'unsupported-dtype': (a) => ({ ...a, logits: tensor(common, [2]) }),
      'dtype-mismatch': (a) => ({ ...a, labels: tensor(common, [3]) }),
      'shape-mismatch': (a) => ({ ...a, labels: tensor(common, [2]) }),
      'beta-out-of-range': (a) => ({ ...a, beta: { type: 'float', value: 2 } }),
    };
    let args: CallArgs = {
      logits: { type: 'float', value: 1 },
      labels: tensor(other, [3]),
      beta: { type: 'none' },
      reduction: { type: 'int', value: 1n },
    };
    for (const kind of spec.checkOrder) {
      expect(errorOf(args, profile).kind).toBe(kind);
      args = fixes[kind](args);
    }
    const v = validateCall(args, profile);
    expect(v.ok).toBe(true);
  });
});

describe('validateCall: beta', () => {
  const betaOk = (beta: ArgValue, profile: ProfileName) => {
    const v = validateCall(valid({ beta }), profile);
    if (!v.ok) throw new Error(v.error.message);
    return v.call.beta;
  };

  it('an absent beta is the default 1.0, an absent reduction is none', () => {
    const v = validateCall(valid(), 'cpu');
    expect(v.ok && v.call.beta).toBe(1);
    expect(v.ok && v.call.reduction).toBe('none');
  });

  it('a float beta is used as its float32 value', () => {
    // float32(0.1) = 13421773 * 2^-27 = 0.100000001490116119384765625
    expect(betaOk({ type: 'float', value: 0.1 }, 'cpu')).toBe(13421773 * 2 ** -27);
    // 1e39 overflows float32: beta = inf, which is > 0
    expect(betaOk({ type: 'float', value: 1e39 }, 'cpu')).toBe(Infinity);
  });

  it('an int beta goes through a Python float, then float32', () => {
    expect(betaOk({ type: 'int', value: 3n }, 'cpu')).toBe(3);
    // 2^24 + 1 is not a float32: round to nearest even gives 2^24
    expect(betaOk({ type: 'int', value: 16777217n }, 'cpu')).toBe(16777216);
    // an int far beyond int64 is still a valid beta (float32 inf)
    expect(betaOk({ type: 'int', value: 10n ** 60n }, 'cpu')).toBe(Infinity);
  });

  it('an int beta is rounded twice (spec 4.1): where the double lands on a float32 tie, not as one rounding of the exact int', () => {
    // 2^60 + 2^36 + 1: the double 2^60 + 2^36 is half-way between float32 2^60 and 2^60 + 2^37 -> 2^60 (one rounding: 2^60 + 2^37)
    expect(betaOk({ type: 'int', value: 2n ** 60n + 2n ** 36n + 1n }, 'cpu')).toBe(2 ** 60);
    // 2^60 + 3*2^36 - 1: the double 2^60 + 3*2^36 is a tie -> 2^60 + 2^38 (one rounding: 2^60 + 2^37)
    expect(betaOk({ type: 'int', value: 2n ** 60n + 3n * 2n ** 36n - 1n }, 'cpu')).toBe(2 ** 60 + 2 ** 38);
    // 2^128 - 2^103 - 1: the double 2^128 - 2^103 is a tie above float32's largest value -> inf (one rounding: 3.4028234663852886e38)
    expect(betaOk({ type: 'int', value: 2n ** 128n - 2n ** 103n - 1n }, 'cpu')).toBe(Infinity);
    // beyond float64's range (Python's float() would raise OverflowError): +inf, a valid beta
    expect(betaOk({ type: 'int', value: 2n ** 1024n - 2n ** 970n }, 'cpu')).toBe(Infinity);
  });

  it('a bool beta is 1 or 0', () => {
    expect(betaOk({ type: 'bool', value: true }, 'gpu')).toBe(1);
    const e = errorOf(valid({ beta: { type: 'bool', value: false } }), 'gpu');
    expect(e.kind).toBe('beta-out-of-range');
  });

  it('beta that rounds to 0 in float32, -0.0, 0 and NaN: rejected by gt0 profiles; ge0 profiles accept all but NaN', () => {
    const zeroish: ArgValue[] = [
      { type: 'float', value: 1e-50 },
      { type: 'float', value: -0 },
      { type: 'int', value: 0n },
    ];
    for (const profile of profiles) {
      const rule = spec.profiles[profile].beta.rule;
      for (const b of zeroish) {
        const v = validateCall(valid({ beta: b }), profile);
        if (rule === 'gt0') {
          expect(v.ok).toBe(false);
          if (!v.ok) expect(v.error.kind).toBe('beta-out-of-range');
        } else {
          expect(v.ok).toBe(true);
          if (v.ok) expect(v.call.beta === 0).toBe(true); // +0 or -0 (float32(-0.0) keeps its sign)
        }
      }
      const nan = errorOf(valid({ beta: { type: 'float', value: NaN } }), profile);
      expect(nan.kind).toBe('beta-out-of-range');
      expectType('beta-out-of-range', nan.errorType);
    }
  });

  it('smallest positive float32 beta is accepted everywhere; below half of it rounds to 0', () => {
    for (const profile of profiles) expect(betaOk({ type: 'float', value: 2 ** -149 }, profile)).toBe(2 ** -149);
    expect(validateCall(valid({ beta: { type: 'float', value: 2 ** -151 } }), 'cpu').ok).toBe(false);
  });

  it('non-numeric betas are beta-bad-type (None, str, list, tensor)', () => {
    for (const b of [{ type: 'none' }, { type: 'str', value: '1' }, { type: 'list', value: [1] }, tensor(common, [])] as ArgValue[]) {
      const e = errorOf(valid({ beta: b }), 'cpu');
      expect(e.kind).toBe('beta-bad-type');
      expectType('beta-bad-type', e.errorType);
    }
  });
});

describe('validateCall: reduction', () => {
  it('accepts exactly none, mean, sum', () => {
    for (const r of spec.reductions) {
      const v = validateCall(valid({ reduction: { type: 'str', value: r } }), 'cpu');
      expect(v.ok && v.call.reduction).toBe(r);
    }
  });

  it("rejects other spellings and types with a framework-like message", () => {
    const e = errorOf(valid({ reduction: { type: 'str', value: 'Mean' } }), 'cpu');
    expect(e.message).toBe("For 'SmoothL1Loss', the 'reduction' must be in ['none', 'mean', 'sum'], but got 'Mean'.");
    for (const r of [{ type: 'str', value: 'MEAN' }, { type: 'str', value: ' sum' }, { type: 'str', value: '' }, { type: 'none' }, { type: 'int', value: 0n }] as ArgValue[]) {
      expect(errorOf(valid({ reduction: r }), 'ascend').kind).toBe('invalid-reduction');
    }
  });
});

describe('validateCall: shapes and promotion', () => {
  it('no broadcasting: [3] vs [1], [] vs [1], [2,0] vs [0,2] are shape-mismatch', () => {
    for (const [x, y] of [[[3], [1]], [[], [1]], [[2, 0], [0, 2]]]) {
      expect(errorOf(valid({ logits: tensor(common, x), labels: tensor(common, y) }), 'cpu').kind).toBe('shape-mismatch');
    }
  });

  it('the compute dtype of each mixed pair is the spec/dtypes.json promotion result', () => {
    for (const profile of profiles) {
      const p = spec.profiles[profile];
      if (p.mixedDtypes !== 'promote') continue;
      for (const pair of dtypesSpec().promotion.pairs) {
        if (!p.dtypes.includes(pair.a) || !p.dtypes.includes(pair.b)) continue;
        for (const [x, y] of [[pair.a, pair.b], [pair.b, pair.a]]) {
          const v = validateCall(valid({ logits: tensor(x, [1]), labels: tensor(y, [1]) }), profile);
          expect(v.ok && v.call.computeDtype).toBe(pair.result);
        }
      }
    }
  });

  it('the cpu profile promotes float16 + float32 to float32 (the documented implicit conversion)', () => {
    const v = validateCall(valid({ logits: tensor('float16', [1]), labels: tensor('float32', [1]) }), 'cpu');
    expect(v.ok && v.call.computeDtype).toBe('float32');
  });
});
