import { describe, expect, it } from 'vitest';
import { allocTensor, elementToNumber, numel, tensorBytes, tensorFromHex, tensorFromNumbers, tensorToHex, tensorToNumbers } from '../../common/tensor.js';

describe('numel', () => {
  it('multiplies dimensions; [] is a scalar; bad dimensions are named', () => {
    expect(numel([])).toBe(1);
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([0, 5])).toBe(0);
    expect(() => numel([2, -1])).toThrow(/dimension 1 is -1/);
    expect(() => numel([1.5])).toThrow(/non-negative integer/);
  });
});

describe('allocTensor', () => {
  it('uses the storage spec/dtypes.json names for every dtype', () => {
    const cases: [string, Function, number][] = [
      ['float16', Uint16Array, 6], ['bfloat16', Uint16Array, 6], ['float32', Float32Array, 6], ['float64', Float64Array, 6],
      ['int32', Int32Array, 6], ['int64', BigInt64Array, 6], ['uint8', Uint8Array, 6], ['bool', Uint8Array, 6], ['complex64', Float32Array, 12],
    ];
    for (const [dt, ctor, len] of cases) {
      const t = allocTensor(dt as never, [2, 3]);
      expect(t.data).toBeInstanceOf(ctor);
      expect(t.data.length).toBe(len);
    }
    expect(() => allocTensor('float8' as never, [1])).toThrow(/unknown dtype 'float8'/);
  });
});

describe('hex codec', () => {
  it('round-trips bit patterns exactly, NaN payloads and -0 included', () => {
    const samples: Record<string, string[]> = {
      float16: ['0000', '8000', '7c00', '7e01', 'fc00', '3c00', '0001'],
      bfloat16: ['3f80', 'ff81', '0001', '7f7f'],
      float32: ['7fc00001', '80000000', '3f800000', '00000001', 'ff800000'],
      float64: ['7ff8000000000001', '8000000000000000', '3ff0000000000000'],
      int32: ['ffffffff', '7fffffff', '00000000'],
      int64: ['ffffffffffffffff', '0000000000000001'],
      uint8: ['ff', '00'],
      bool: ['00', '01'],
      complex64: ['3f800000bf800000', '7fc0000100000000'],
    };
    for (const [dt, hex] of Object.entries(samples)) {
      const t = tensorFromHex(dt as never, [hex.length], hex);
      expect(tensorToHex(t)).toEqual(hex);
    }
    const i32 = tensorFromHex('int32', [1], ['ffffffff']);
    expect(i32.data[0]).toBe(-1);
    const c = tensorFromHex('complex64', [1], ['3f800000bf800000']);
    expect([...(c.data as Float32Array)]).toEqual([1, -1]);
  });
  it('rejects wrong counts, widths, case and non-bool bytes with the element named', () => {
    expect(() => tensorFromHex('float16', [2], ['3c00'])).toThrow(/1 bit patterns given, expected 2/);
    expect(() => tensorFromHex('float16', [1], ['3c0'])).toThrow(/element 0: bad hex "3c0", expected exactly 4/);
    expect(() => tensorFromHex('float32', [2], ['3f800000', '3F800000'])).toThrow(/element 1/);
    expect(() => tensorFromHex('bool', [1], ['02'])).toThrow(/bool: element 0: 02 is not a bool/);
  });
});

describe('element values', () => {
  it('decodes float elements exactly and rounds numbers RN-even into the dtype', () => {
    const h = tensorFromHex('float16', [3], ['3c00', '0001', 'fbff']);
    expect([0, 1, 2].map((i) => elementToNumber(h, i))).toEqual([1, 2 ** -24, -65504]);
    const b = tensorFromNumbers('bfloat16', [2], [1 + 2 ** -8, 1 + 3 * 2 ** -8]);
    expect(tensorToHex(b)).toEqual(['3f80', '3f82']); // ties to even
    expect([...tensorToNumbers(tensorFromNumbers('float32', [1], [0.1]))]).toEqual([Math.fround(0.1)]);
    expect(() => elementToNumber(allocTensor('int32', [1]), 0)).toThrow(/int32 is not a float dtype/);
  });
});

describe('tensorBytes', () => {
  it('gives the elements as little-endian bytes, row-major, for every dtype (the pack and exec protocol encoding)', () => {
    const bytes = (dt: string, shape: number[], hex: string[]) => Buffer.from(tensorBytes(tensorFromHex(dt as never, shape, hex))).toString('hex');
    expect(bytes('float16', [2], ['3c00', '8001'])).toBe('003c0180');
    expect(bytes('bfloat16', [1], ['7fc1'])).toBe('c17f');
    expect(bytes('float32', [1], ['3f800001'])).toBe('0100803f');
    expect(bytes('float64', [1], ['fff8000000000001'])).toBe('010000000000f8ff'); // a NaN payload survives
    expect(bytes('int64', [1], ['fffffffffffffffe'])).toBe('feffffffffffffff');
    expect(bytes('bool', [3], ['01', '00', '01'])).toBe('010001');
    expect(bytes('complex64', [1], ['3f80000040000000'])).toBe('0000803f00000040'); // real part first
    expect(bytes('float32', [0], [])).toBe('');
    expect(() => tensorBytes({ dtype: 'float32', shape: [2], data: new Float32Array(3) })).toThrow(/3 slots, expected 2/);
  });
});
