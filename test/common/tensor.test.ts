import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocTensor, elementBytes, elementToNumber, numel, storageClass, tensorBytes, tensorFromBytes, tensorFromHex, tensorFromNumbers, tensorToHex, tensorToNumbers, valuesPerElement } from '../../common/tensor.js';

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

describe('tensorFromBytes', () => {
  // Independent reading of spec/dtypes.json: bytes per element and the storage's typed array.
  const dtypes = JSON.parse(readFileSync(join(__dirname, '..', '..', 'spec', 'dtypes.json'), 'utf8')) as { float: Record<string, { bits: number; storage: string }>; other: Record<string, { bits: number; storage: string }> };
  const all = { ...dtypes.float, ...dtypes.other };
  const arrays: Record<string, unknown> = { uint16: Uint16Array, float32: Float32Array, float64: Float64Array, int32: Int32Array, bigint64: BigInt64Array, uint8: Uint8Array };

  it('storage facts come from spec/dtypes.json', () => {
    for (const [dt, info] of Object.entries(all)) {
      expect(elementBytes(dt as never), dt).toBe(info.bits / 8);
      expect(storageClass(dt as never), dt).toBe(arrays[info.storage]);
      expect(valuesPerElement(dt as never), dt).toBe(dt === 'complex64' ? 2 : 1);
    }
  });

  it('reads back what tensorBytes wrote, for every dtype, at any byte offset', () => {
    const samples: Record<string, string[]> = { float16: ['3c00', '8001', '7e01'], bfloat16: ['7fc1', '0001', 'ff80'], float32: ['3f800001', '80000000', '7fc00001'], float64: ['fff8000000000001', '0000000000000001', '3ff0000000000000'], int64: ['fffffffffffffffe', '0000000000000000', '7fffffffffffffff'], bool: ['01', '00', '01'], complex64: ['3f80000040000000', '0000000080000000', '7fc0000000000001'] };
    for (const [dt, hex] of Object.entries(samples)) {
      const t = tensorFromHex(dt as never, [3], hex);
      const bytes = tensorBytes(t);
      for (const offset of [0, 1, 3]) {
        const buf = new Uint8Array(bytes.length + offset);
        buf.set(bytes, offset);
        const back = tensorFromBytes(dt, [3], buf.subarray(offset));
        expect(tensorToHex(back), `${dt} at offset ${offset}`).toEqual(hex);
        expect(back.shape).toEqual([3]);
      }
    }
  });

  it('names what is inconsistent', () => {
    expect(() => tensorFromBytes('float32', [2], new Uint8Array(4))).toThrow('data has 4 bytes but dtype float32 shape [2] needs 2 x 4 = 8');
    expect(() => tensorFromBytes('float8', [1], new Uint8Array(1))).toThrow(/dtype 'float8' is not a known dtype/);
    expect(() => tensorFromBytes('float32', [-1], new Uint8Array(0))).toThrow(/expected a non-negative integer/);
  });
});
