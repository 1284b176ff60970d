/**
 * `smoothl1 export-onnx`: the written file is loaded back by a fresh onnxruntime
 * InferenceSession (not through the runner) and run on inputs whose losses are computed by
 * hand; bad arguments are usage errors naming the option.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import { main, parseBeta, parseExportArgs } from '../../cli/commands/export-onnx.js';
import { UsageError } from '../../cli/usage.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportModel(args: string[]): Promise<string> {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.onnx`);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await main([...args, '-o', file])).toBe(0);
  } finally {
    err.mockRestore();
  }
  return file;
}

async function runFile(file: string, type: 'float16' | 'float32' | 'float64', x: ArrayLike<number>, y: ArrayLike<number>, dims: number[]) {
  const session = await ort.InferenceSession.create(readFileSync(file));
  try {
    expect(session.inputNames).toEqual(['logits', 'labels']);
    expect(session.outputNames).toEqual(['loss']);
    const mk = (v: ArrayLike<number>) => new ort.Tensor(type, type === 'float16' ? Uint16Array.from(v) : type === 'float32' ? Float32Array.from(v) : Float64Array.from(v), dims);
    const out = (await session.run({ logits: mk(x), labels: mk(y) })).loss;
    return { dims: out.dims, data: Array.from(out.data as ArrayLike<number>) };
  } finally {
    await session.release();
  }
}

describe('smoothl1 export-onnx', () => {
  it('float32 sum, beta 2: sum of 0.5*d^2/2 and |d| - 1', async () => {
    const file = await exportModel(['--dtype', 'float32', '--reduction', 'sum', '--beta', '2']);
    // d = [1, -3, 0.5, 4] -> [0.25, 2, 0.0625, 3] -> 5.3125
    const out = await runFile(file, 'float32', [1, -3, 0.5, 4], [0, 0, 0, 0], [2, 2]);
    expect(out.dims).toEqual([]);
    expect(out.data).toEqual([5.3125]);
  });

  it('float64 none (defaults beta 1.0, reduction none) keeps the input shape, any rank', async () => {
    const file = await exportModel(['--dtype', 'float64']);
    const out = await runFile(file, 'float64', [3, 0.5, -2, 0, 1, 7], [1, 0, 0, 0, 1, 0], [1, 2, 3]);
    expect(out.dims).toEqual([1, 2, 3]);
    expect(out.data).toEqual([1.5, 0.125, 1.5, 0, 0, 6.5]);
    const scalar = await runFile(file, 'float64', [0.5], [0], []);
    expect(scalar.dims).toEqual([]);
    expect(scalar.data).toEqual([0.125]);
  });

  it('float16 mean takes float16 bit patterns; the mean of an empty input is NaN', async () => {
    const file = await exportModel(['--dtype', 'float16', '--reduction', 'mean', '--beta', '1']);
    const h = floatFormat('float16');
    const enc = (v: number[]) => v.map((x) => h.encode(x) as number);
    // d = [2, 0.5, 0] -> [1.5, 0.125, 0] -> mean 0.541666... rounded to float16
    const out = await runFile(file, 'float16', enc([2, 0.5, 0]), enc([0, 0, 0]), [3]);
    expect(out.data).toEqual([h.encode(1.625 / 3)]);
    const empty = await runFile(file, 'float16', [], [], [0]);
    expect(h.isNaN(empty.data[0])).toBe(true);
  });

  it('bfloat16 model: float32 tensors in and out, rounded to bfloat16 on the way in and out', async () => {
    const file = await exportModel(['--dtype', 'bfloat16', '--reduction', 'none', '--beta', '0']);
    // beta 0: L1. 1 + 3*2^-8 rounds (to even) to 1 + 2^-6 on input; 1/3 rounds to 0x3eab.
    const out = await runFile(file, 'float32', [1 + 3 * 2 ** -8, 1 / 3], [0, 0], [2]);
    const bf = floatFormat('bfloat16');
    expect(out.data).toEqual([1 + 2 ** -6, bf.decode(0x3eab)]);
  });

  it("writes the same bytes as the runner's graph builder, deterministically", async () => {
    const a = readFileSync(await exportModel(['--dtype', 'float32', '--reduction', 'mean', '--beta', '0.1']));
    const b = readFileSync(await exportModel(['--dtype', 'float32', '--reduction', 'mean', '--beta', '0.1']));
    expect(a.equals(b)).toBe(true);
    const { buildSmoothL1Model } = await import('../../runners/onnxruntime/graph.js');
    expect(a.equals(Buffer.from(buildSmoothL1Model({ dtype: 'float32', reduction: 'mean', beta: Math.fround(0.1) })))).toBe(true);
  });

  it('rejects bad arguments with a usage error naming the option', async () => {
    expect(() => parseExportArgs(['--dtype', 'int32', '-o', 'x.onnx'])).toThrow(/--dtype: expected one of float16, bfloat16, float32, float64, got 'int32'/);
    expect(() => parseExportArgs(['--reduction', 'MEAN', '-o', 'x.onnx'])).toThrow(/--reduction: expected one of none, mean, sum, got 'MEAN'/);
    expect(() => parseExportArgs(['--dtype', 'float32'])).toThrow(/-o <file.onnx> is required/);
    expect(() => parseExportArgs(['-o', 'x.onnx', 'extra'])).toThrow(/unexpected argument 'extra'/);
    expect(() => parseExportArgs(['-o', 'x.onnx', '--bogus'])).toThrow(UsageError);
    expect(() => parseBeta('abc')).toThrow(/--beta: expected a decimal number/);
    expect(() => parseBeta('nan')).toThrow(/--beta/);
    expect(() => parseBeta('-1')).toThrow(/must be >= 0/);
    expect(() => parseBeta('1e39')).toThrow(/overflows float32/);
    expect(parseBeta('0.1')).toBe(Math.fround(0.1));
    expect(parseExportArgs(['--help'])).toBeNull();
    await expect(main(['-o', join(dir, 'no-such-folder', 'm.onnx')])).rejects.toThrow(/does not exist/);
  });

  it("-o - writes the model bytes to stdout", async () => {
    const chunks: Uint8Array[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(typeof c === 'string' ? Buffer.from(c) : c), true));
    try {
      expect(await main(['--dtype', 'float64', '--reduction', 'sum', '-o', '-'])).toBe(0);
    } finally {
      out.mockRestore();
    }
    const { buildSmoothL1Model } = await import('../../runners/onnxruntime/graph.js');
    expect(Buffer.concat(chunks).equals(Buffer.from(buildSmoothL1Model({ dtype: 'float64', reduction: 'sum', beta: 1 })))).toBe(true);
  });

  it('refuses to overwrite an existing file without --force', async () => {
    const file = join(dir, 'exists.onnx');
    writeFileSync(file, 'x');
    await expect(main(['-o', file])).rejects.toThrow(/file exists \(use --force/);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['-o', file, '--force'])).toBe(0);
    } finally {
      err.mockRestore();
    }
    expect(readFileSync(file).length).toBeGreaterThan(100);
  });
});
