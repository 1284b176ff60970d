/**
 * `smoothl1 run` end to end on large generated float32 cases, as a user runs it (the CLI
 * in a child process, the in-repo CPU runner, a one-case corpus folder): wall time and
 * peak memory (the child's maxRSS) from 10^3 to 10^8 elements, start-up subtracted (the
 * same run on a one-element case), per element against a plain float64 loop measured in
 * this process. Targets (issue 9): 10^7 elements (none and sum) within 8x the plain loop
 * per element; 10^8 elements with a peak of at most 24 bytes per element.
 *
 * SMOOTHL1_BENCH_MAX_ELEMENTS caps the sizes (default 10^8).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateElements } from '../common/prng.js';
import type { BenchFigure, BenchResult } from './benchmarks.js';
import { registerBenchmark, sig, timeInterleaved } from './benchmarks.js';

const SIZES = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
const SEEDS = [9101, 9102];

/** A case file with generated float32 inputs of n elements (uniform in [-4, 4)). */
function caseJson(n: number, reduction: 'none' | 'sum'): object {
  const t = (seed: number) => ({ type: 'tensor', tensor: { dtype: 'float32', shape: [n], generate: { prng: 'xoshiro128**', seed, distribution: 'uniform', a: -4, b: 4 } } });
  return {
    title: `bench: ${n} generated float32 elements, ${reduction}`,
    description: 'A generated case for the end-to-end benchmark (bench/run-large.ts).',
    tags: ['area:large', 'dtype:float32', `reduction:${reduction}`],
    profiles: ['cpu'],
    inputs: { logits: t(SEEDS[0]), labels: t(SEEDS[1]), reduction: { type: 'str', value: reduction } },
    expected: { cpu: { output: { dtype: 'float32', shape: reduction === 'none' ? [n] : [] } } },
  };
}

interface RunFigure {
  wallMs: number;
  maxRssBytes: number;
  exitCode: number | null;
}

/** One `smoothl1 run` over a folder holding one case; the child reports its peak RSS on exit. */
function runOnce(root: string, casesDir: string, reportDir: string): RunFigure {
  const cli = pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href;
  const launcher = `process.argv.splice(1, 0, 'smoothl1'); process.on('exit', () => { require('node:fs').writeSync(2, '\\nbench-maxrss-kb ' + process.resourceUsage().maxRSS + '\\n'); }); import(${JSON.stringify(cli)});`;
  const args = ['-e', launcher, 'run', '--runner', 'cpu', '--cases', casesDir, '--report-dir', reportDir, '--formats', 'json', '--quiet', '--timeout', '600000'];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /bench-maxrss-kb (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`smoothl1 run on ${casesDir} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`);
  return { wallMs, maxRssBytes: Number(m[1]) * 1024, exitCode: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The plain loop per element (ns): float64 arithmetic over float32 inputs, the loss written into a Float32Array. */
async function plainLoopNs(n: number, repeats: number): Promise<{ min: number; median: number }> {
  const gen = (seed: number) => generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -4, b: 4 }, 'float32', n) as Float32Array;
  const x = gen(SEEDS[0]);
  const y = gen(SEEDS[1]);
  const out = new Float32Array(n);
  const t = await timeInterleaved(
    {
      plain: () => {
        for (let i = 0; i < n; i++) {
          const d = x[i] - y[i];
          const a = Math.abs(d);
          out[i] = a < 1 ? d * d * 0.5 : a - 0.5;
        }
      },
    },
    1,
    repeats,
  );
  return { min: (t.plain.minMs * 1e6) / n, median: (t.plain.medianMs * 1e6) / n };
}

registerBenchmark({
  name: 'run-large',
  description: 'smoothl1 run (CPU runner, child process) on generated float32 cases of 10^3 to 10^8 elements: per element vs a plain loop (start-up subtracted), peak memory per element',
  order: 60,
  async run(ctx): Promise<BenchResult> {
    const max = Number(process.env.SMOOTHL1_BENCH_MAX_ELEMENTS ?? 1e8);
    const sizes = SIZES.filter((n) => n <= max);
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-bench-large-'));
    const figures: BenchFigure[] = [];
    try {
      const folder = (name: string, doc: object) => {
        const d = join(dir, name);
        mkdirSync(join(d, 'large'), { recursive: true });
        writeFileSync(join(d, 'large', 'bench.json'), JSON.stringify(doc));
        return d;
      };
      const reportDir = join(dir, 'report');
      // start-up: the same run on one element (Node, loading, validation, report): the min of 5
      // after one untimed run (the min, like every wall time here: the machine is shared)
      const tiny = folder('tiny', caseJson(1, 'none'));
      runOnce(ctx.root, tiny, reportDir);
      const startups = [0, 1, 2, 3, 4].map(() => runOnce(ctx.root, tiny, reportDir));
      const startupMs = Math.min(...startups.map((r) => r.wallMs));
      const baseRss = median(startups.map((r) => r.maxRssBytes));
      const plain = await plainLoopNs(1e7, Math.min(ctx.repeats, 7));
      figures.push(
        { metric: 'start-up (one-element case, min of 5)', value: sig(startupMs), unit: 'ms' },
        { metric: 'start-up peak RSS', value: sig(baseRss / 2 ** 20, 3), unit: 'MiB' },
        { metric: 'plain loop per element (10^7 float32, min / median)', value: sig(plain.min, 3), unit: `ns (median ${sig(plain.median, 3)})` },
      );
      for (const reduction of ['none', 'sum'] as const) {
        for (const n of sizes) {
          if (reduction === 'sum' && n !== 1e7 && n !== 1e8) continue;
          ctx.log(`run-large: ${n} elements, ${reduction}...`);
          const cases = folder(`${reduction}-${n}`, caseJson(n, reduction));
          const runs = n <= 1e7 ? [0, 1, 2].map(() => runOnce(ctx.root, cases, reportDir)) : [runOnce(ctx.root, cases, reportDir)];
          const wall = Math.min(...runs.map((r) => r.wallMs));
          const rss = Math.max(...runs.map((r) => r.maxRssBytes));
          const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as { summary: { passed: number; total: number }; timings?: { totalMs: number; checkMs: number } };
          if (report.summary.passed !== 1) throw new Error(`run-large: the CPU kernel did not pass the ${n}-element ${reduction} case`);
          const perEl = ((wall - startupMs) * 1e6) / n;
          const inRun = report.timings ? (report.timings.totalMs * 1e6) / n : NaN;
          const inCheck = report.timings ? (report.timings.checkMs * 1e6) / n : NaN;
          const label = `${reduction} ${n.toExponential(0).replace('e+', 'e')}`;
          const noisy = wall - startupMs < 0.1 * startupMs;
          figures.push(
            { metric: `${label}: wall time (min of ${runs.length})`, value: sig(wall), unit: 'ms' },
            // below 10% of the start-up time, what is left after subtracting it is noise
            noisy
              ? { metric: `${label}: per element, start-up subtracted`, value: null, unit: 'ns', note: `within start-up noise: ${sig(wall - startupMs)} ms over ${sig(startupMs)} ms` }
              : { metric: `${label}: per element, start-up subtracted`, value: sig(perEl, 3), unit: 'ns' },
            noisy
              ? { metric: `${label}: ratio to the plain loop per element`, value: null, unit: 'x', note: 'within start-up noise' }
              : { metric: `${label}: ratio to the plain loop per element`, value: sig(perEl / plain.min, 3), unit: n === 1e7 ? 'x (target <= 8)' : 'x' },
            { metric: `${label}: peak RSS per element`, value: sig(rss / n, 3), unit: n === 1e8 ? 'bytes (target <= 24)' : 'bytes' },
            { metric: `${label}: peak RSS above start-up, per element`, value: sig(Math.max(0, rss - baseRss) / n, 3), unit: 'bytes' },
            { metric: `${label}: the run's own time per element (report timings: inputs, runner, check) / of which the check`, value: sig(inRun, 3), unit: `ns / ${sig(inCheck, 3)} ns (last run)` },
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      name: this.name,
      description: this.description,
      figures,
      setup: { command: 'node bin/smoothl1.js run --runner cpu --cases <one-case folder> --report-dir <tmp> --formats json --quiet --timeout 600000', inputs: 'generated float32, xoshiro128** uniform [-4, 4), seeds 9101 / 9102', sizes: sizes.join(', '), 'peak memory': "the child's process.resourceUsage().maxRSS at exit" },
    };
  },
});
