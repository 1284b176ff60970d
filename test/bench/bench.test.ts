/**
 * `npm run bench` end to end on a tiny size: the built bench runs, loads the benchmark
 * modules of bench/, measures the CPU kernel against real onnxruntime-node, and writes a
 * report whose figures say which way the ratios point.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cases/cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench(args: string[], env: Record<string, string> = {}) {
  ensureBuilt();
  return spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'main.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('bench', () => {
  it('kernel-vs-onnxruntime on 1000 elements writes a report with times, ratios and agreement per reduction', () => {
    const out = join(dir, 'bench.json');
    const r = bench(['--only', 'kernel-vs-onnxruntime', '--elements', '1000', '--repeats', '3', '--warmup', '1', '--out', out]);
    expect(r.stderr + r.stdout).toContain('written:');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(report)).toEqual(['format', 'tool', 'generatedAt', 'machine', 'node', 'options', 'results']);
    expect(report.node).toBe(process.version);
    expect(report.results.map((x: { name: string }) => x.name)).toEqual(['kernel-vs-onnxruntime']);
    const figures = report.results[0].figures as { metric: string; value: number; unit: string }[];
    for (const red of ['none', 'mean', 'sum']) {
      const get = (m: string) => figures.find((f) => f.metric.startsWith(`${red}: ${m}`));
      const cpu = get('cpu kernel time')!.value;
      const ort = get('onnxruntime time (median, default')!.value;
      expect(cpu).toBeGreaterThan(0);
      expect(ort).toBeGreaterThan(0);
      // the ratio is cpu/ort and the speed-up its inverse, as the labels say
      expect(get('time ratio cpu/onnxruntime')!.value).toBeCloseTo(cpu / ort, 1);
      expect(get('speed-up onnxruntime/cpu')!.value).toBeCloseTo(ort / cpu, 1);
      // both compute the same loss: at most a couple of float32 ulps apart
      expect(get('largest difference')!.value).toBeLessThanOrEqual(2);
    }
  });

  it('oracle on 2000 elements: ratios to the plain loop (min and median), fallbacks, the naive exact path', () => {
    const out = join(dir, 'oracle.json');
    const r = bench(['--only', 'oracle', '--elements', '2000', '--repeats', '3', '--warmup', '1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const figures = JSON.parse(readFileSync(out, 'utf8')).results[0].figures as { metric: string; value: number; unit: string }[];
    for (const dt of ['float16', 'bfloat16', 'float32', 'float64'])
      for (const red of ['none', 'sum', 'mean']) {
        const get = (m: string) => figures.find((f) => f.metric === `${dt} ${red}: ${m}`);
        expect(get('ratio oracle/plain (min)')!.value, `${dt} ${red}`).toBeGreaterThan(0);
        expect(get('ratio oracle/plain (median)')!.value).toBeGreaterThan(0);
        expect(get('fallbacks (expected / interval / reduction)')!.unit).toMatch(/of 2000/);
      }
    expect(figures.find((f) => f.metric.startsWith('float32 none: speed-up of the oracle over the naive exact path'))!.value).toBeGreaterThan(1);
  });

  it('run-large up to 1000 elements: smoothl1 run end to end with start-up, per element and peak memory figures', () => {
    const out = join(dir, 'large.json');
    const r = bench(['--only', 'run-large', '--repeats', '3', '--out', out], { SMOOTHL1_BENCH_MAX_ELEMENTS: '1000' });
    expect(r.status, r.stderr).toBe(0);
    const figures = JSON.parse(readFileSync(out, 'utf8')).results[0].figures as { metric: string; value: number; unit: string }[];
    expect(figures.find((f) => f.metric.startsWith('start-up'))!.value).toBeGreaterThan(0);
    expect(figures.find((f) => f.metric === 'none 1e3: peak RSS per element')!.value).toBeGreaterThan(0);
  });

  it('rejects an unknown benchmark name with the list of known ones (exit 2)', () => {
    const r = bench(['--only', 'no-such-bench', '--out', join(dir, 'x.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown benchmark 'no-such-bench'; known: .*kernel-vs-onnxruntime/);
  });
});
