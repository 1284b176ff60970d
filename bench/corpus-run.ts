/**
 * Wall time of checking the whole default corpus with the CPU runner, as a user runs it:
 * the README's command, `npx smoothl1 run` (all report formats), in a child process from
 * the package root, start-up included (npx, Node, module loading, corpus loading and
 * validation, oracle, checks, report writing). Only --report-dir is added, to a temporary
 * folder, so the run does not replace a report of the user's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBenchmark, sig } from './benchmarks.js';
import type { BenchFigure, BenchResult } from './benchmarks.js';

/** Full corpus runs take seconds each: a few are enough for a median. */
const MAX_REPEATS = 3;

registerBenchmark({
  name: 'corpus-run-cpu',
  description: "npx smoothl1 run over the default corpus, the README's command (child process, wall time incl. start-up)",
  order: 10,
  async run(ctx): Promise<BenchResult> {
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    const base: Pick<BenchResult, 'name' | 'description' | 'figures'> = { name: this.name, description: this.description, figures: [] as BenchFigure[] };
    if (!existsSync(join(ctx.root, 'dist', 'cli', 'commands', 'run.js'))) {
      return { ...base, setup: {}, skipped: 'dist/cli/commands/run.js is missing (build first: npm run build)' };
    }
    const repeats = Math.max(1, Math.min(MAX_REPEATS, ctx.repeats));
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-bench-'));
    const args = ['--no-install', 'smoothl1', 'run', '--report-dir', dir];
    const times: number[] = [];
    let summary: Record<string, number> | undefined;
    let slowest = '';
    let exitCode: number | null = null;
    try {
      for (let i = 0; i < repeats; i++) {
        ctx.log(`corpus-run-cpu: run ${i + 1}/${repeats}...`);
        const t0 = process.hrtime.bigint();
        const r = spawnSync(npx, args, { cwd: ctx.root, encoding: 'utf8', maxBuffer: 64 << 20 });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        exitCode = r.status;
        // 0 = all as expected, 1 = some unexpected outcomes: both are complete runs worth timing.
        if (r.status !== 0 && r.status !== 1) {
          return { ...base, setup: { command: 'npx smoothl1 run --report-dir <tmp>' }, skipped: `the run failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}` };
        }
        const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { summary: Record<string, number>; timings?: { cases: Record<string, number> } };
        summary = report.summary;
        // Where the time goes (runner call + check per case), so a slow case is visible.
        slowest = Object.entries(report.timings?.cases ?? {})
          .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
          .slice(0, 3)
          .map(([id, ms]) => `${id} ${Math.round(ms)} ms`)
          .join(', ');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const total = summary?.total ?? 0;
    return {
      ...base,
      setup: {
        command: "npx smoothl1 run (README's command) --report-dir <tmp>",
        repeats,
        'exit code': exitCode ?? -1,
        'slowest cases (last run)': slowest,
      },
      figures: [
        { metric: 'wall time (median)', value: sig(median), unit: 'ms' },
        { metric: 'cases', value: total, unit: 'cases' },
        { metric: 'passed', value: summary?.passed ?? null, unit: 'cases' },
        { metric: 'unexpected failures', value: summary?.failed ?? null, unit: 'cases' },
        { metric: 'per case (wall / cases)', value: total > 0 ? sig(median / total, 3) : null, unit: 'ms' },
      ],
    };
  },
});
