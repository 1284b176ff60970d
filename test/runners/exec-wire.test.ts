/**
 * The exec protocol's wire encoding: requests the runner writes validate against
 * spec/exec-request.schema.json, bytes are little-endian as the spec says (checked
 * against hand-computed base64), floats travel exactly, and malformed answers are
 * rejected with a message that names the problem.
 */
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readSpecJson } from '../../common/spec-data.js';
import type { CallArgs } from '../../common/types.js';
import { argsToWire, floatToWire, tensorFromWire, tensorToWire } from '../../runners/exec/wire.js';
import { parseResponseLine } from '../../runners/exec/response-schema.js';

const validateRequest = new Ajv2020({ strict: true }).compile(readSpecJson<object>('spec/exec-request.schema.json'));

describe('exec wire format', () => {
  it('floats are exact strings, with nan/inf/-inf/-0.0 spelled as the protocol says', () => {
    expect([NaN, Infinity, -Infinity, -0, 0, 0.1, 1e21, 5e-324, -1.5].map(floatToWire)).toEqual(['nan', 'inf', '-inf', '-0.0', '0.0', '0.1', '1e21', '5e-324', '-1.5']);
    for (const x of [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -2.5e-300]) expect(Number(floatToWire(x))).toBe(x);
  });

  it('tensor bytes are little-endian element bytes (hand-computed base64)', () => {
    // float16 1.0 = 0x3c00 -> bytes 00 3c -> "ADw="; float32 1.0 = 0x3f800000 -> 00 00 80 3f -> "AACAPw=="
    expect(tensorToWire({ dtype: 'float16', shape: [1], data: new Uint16Array([0x3c00]) }).data).toBe('ADw=');
    expect(tensorToWire({ dtype: 'float32', shape: [], data: new Float32Array([1]) }).data).toBe('AACAPw==');
    expect(tensorToWire({ dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) }).data).toBe('AQA=');
    expect(tensorToWire({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) })).toEqual({ type: 'tensor', dtype: 'float32', shape: [0, 3], data: '' });
  });

  it('every dtype round-trips through the wire, including complex64 and int64', () => {
    const ts = [
      { dtype: 'bfloat16', shape: [2], data: new Uint16Array([0x3f80, 0xffc0]) },
      { dtype: 'float64', shape: [2, 1], data: new Float64Array([-0, NaN]) },
      { dtype: 'int64', shape: [1], data: new BigInt64Array([-(2n ** 63n)]) },
      { dtype: 'complex64', shape: [1], data: new Float32Array([1.5, -2]) },
      { dtype: 'uint8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      { dtype: 'int32', shape: [], data: new Int32Array([-7]) },
    ] as const;
    for (const t of ts) {
      const back = tensorFromWire(tensorToWire(t));
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Buffer.from(back.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
  });

  it('a wrong byte count is rejected naming dtype, shape and sizes', () => {
    expect(() => tensorFromWire({ type: 'tensor', dtype: 'float32', shape: [2], data: 'AACAPw==' })).toThrow('output data has 4 bytes but dtype float32 shape [2] needs 2 x 4 = 8');
  });

  it('requests for every argument kind validate against spec/exec-request.schema.json; absent args stay absent', () => {
    const args: CallArgs[] = [
      { logits: { type: 'tensor', tensor: { dtype: 'float16', shape: [1], data: new Uint16Array([1]) } }, labels: { type: 'list', value: [[1, 2], [3]] } },
      { logits: { type: 'float', value: NaN }, labels: { type: 'float', value: -0 }, beta: { type: 'int', value: -(10n ** 30n) }, reduction: { type: 'none' } },
      { logits: { type: 'bool', value: true }, labels: { type: 'str', value: 'x' }, beta: { type: 'float', value: -Infinity }, reduction: { type: 'str', value: 'MEAN' } },
    ];
    for (const [i, a] of args.entries()) {
      const req = { protocol: 1, id: `w/${i}`, seq: i + 1, profile: 'cpu', args: argsToWire(a) };
      expect(validateRequest(req), JSON.stringify(validateRequest.errors)).toBe(true);
    }
    expect(Object.keys(argsToWire(args[0]))).toEqual(['logits', 'labels']);
  });

  it('response lines: hello, output and error accepted; typos, non-objects and non-JSON refused', () => {
    expect(parseResponseLine('{"protocol":1,"hello":{"name":"x"}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","error":{"type":"TypeError","message":"m"}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","output":{"type":"tensor","dtype":"float32","shape":[],"data":"AACAPw=="}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","ouput":{}}')).toMatchObject({ ok: false, reason: expect.stringContaining('not a valid response') });
    expect(parseResponseLine('[1,2]')).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(parseResponseLine('loss = 0.5')).toEqual({ ok: false, reason: 'not JSON' });
    // Protocol 2: its hello, raw-byte outputs and adapter crashes; no third version.
    expect(parseResponseLine('{"protocol":2,"hello":{"name":"x","nativeProfile":"gpu"}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","output":{"type":"tensor","dtype":"float32","shape":[],"bytes":4}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","crash":{"message":"cannot pass a list"}}').ok).toBe(true);
    expect(parseResponseLine('{"seq":1,"id":"a","output":{"type":"tensor","dtype":"float32","shape":[],"bytes":4,"data":"AACAPw=="}}').ok).toBe(false);
    expect(parseResponseLine('{"protocol":3,"hello":{"name":"x"}}').ok).toBe(false);
  });
});
