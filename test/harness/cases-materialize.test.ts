/**
 * Materialising case inputs: tensors from hex, generated tensors (cached, identical to
 * the PRNG's output), scalars parsed the way Python would see them, absent arguments kept
 * absent.
 */
import { describe, expect, it } from 'vitest';
import { clearGeneratedCache, materialize } from '../../harness/cases/materialize.js';
import { parseFloatString } from '../../common/scalar-json.js';
import { formatFloatLiteral } from '../../common/number-format.js';
import { generateElements } from '../../common/prng.js';
import type { CaseInputsJson } from '../../common/types.js';

const t32 = (bits: string[]) => ({ type: 'tensor' as const, tensor: { dtype: 'float32' as const, shape: [bits.length], bits } });

describe('materialize', () => {
  it('builds tensors from hex bit-exactly (NaN payload and -0 kept)', () => {
    const args = materialize({ logits: t32(['7fc00001', '80000000']), labels: { type: 'tensor', tensor: { dtype: 'float16', shape: [], bits: ['3c00'] } } });
    const x = args.logits.type === 'tensor' ? args.logits.tensor : undefined;
    expect(x?.dtype).toBe('float32');
    expect(Array.from(new Uint32Array((x!.data as Float32Array).buffer))).toEqual([0x7fc00001, 0x80000000]);
    const y = args.labels.type === 'tensor' ? args.labels.tensor : undefined;
    expect(y?.shape).toEqual([]);
    expect(Array.from(y!.data as Uint16Array)).toEqual([0x3c00]);
  });

  it('keeps absent beta and reduction absent, and passes present ones through typed', () => {
    const base = { logits: t32(['00000000']), labels: t32(['00000000']) };
    const a = materialize(base);
    expect('beta' in a).toBe(false);
    expect('reduction' in a).toBe(false);
    const b = materialize({ ...base, beta: { type: 'int', value: '10000000000000000000000000000000000000000' }, reduction: { type: 'none' } });
    expect(b.beta).toEqual({ type: 'int', value: 10n ** 40n });
    expect(b.reduction).toEqual({ type: 'none' });
    expect(materialize({ ...base, beta: { type: 'bool', value: false } }).beta).toEqual({ type: 'bool', value: false });
    expect(materialize({ ...base, beta: { type: 'list', value: [1.0] } }).beta).toEqual({ type: 'list', value: [1.0] });
    expect(materialize({ ...base, reduction: { type: 'str', value: ' mean' } }).reduction).toEqual({ type: 'str', value: ' mean' });
  });

  it('parses float strings as Python float() would (RN to float64, nan/inf, -0.0)', () => {
    expect(parseFloatString('nan')).toBeNaN();
    expect(parseFloatString('inf')).toBe(Infinity);
    expect(parseFloatString('-inf')).toBe(-Infinity);
    expect(Object.is(parseFloatString('-0.0'), -0)).toBe(true);
    expect(parseFloatString('1e-50')).toBe(1e-50);
    expect(parseFloatString('0.1')).toBe(0.1);
    // 2^-1074 written with many digits still lands on the smallest subnormal double
    expect(parseFloatString('4.9406564584124654e-324')).toBe(2 ** -1074);
    expect(() => parseFloatString('NaN')).toThrow(/case-format float/);
    for (const x of [0.1, -0, 1e30, 70000, NaN, -Infinity, 2 ** -149, 1e21]) expect(Object.is(parseFloatString(formatFloatLiteral(x)), x)).toBe(true);
    expect(formatFloatLiteral(2)).toBe('2.0');
  });

  it('expands generators to the PRNG output and caches them per process', () => {
    clearGeneratedCache();
    const gen = { prng: 'xoshiro128**' as const, seed: 99, distribution: 'uniform' as const, a: -4, b: 4 };
    const inputs: CaseInputsJson = {
      logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [10, 10], generate: gen } },
      labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [10, 10], generate: { ...gen, seed: 100 } } },
    };
    const a = materialize(inputs);
    const b = materialize(inputs);
    const x = (a.logits as { tensor: { data: Float32Array; shape: number[] } }).tensor;
    expect(x.shape).toEqual([10, 10]);
    expect(Array.from(x.data)).toEqual(Array.from(generateElements(gen, 'float32', 100)));
    expect((b.logits as { tensor: unknown }).tensor).toBe(x); // same object: cached
    expect((a.labels as { tensor: unknown }).tensor).not.toBe(x);
  });
});
