/**
 * `smoothl1 sweep` end to end (in-process; implementations through the module runner):
 * usage errors exit 2; a faulty implementation's failing pairs are counted by input class
 * and written as one-element cases that `run --cases` loads (exit 1), a correct one passes
 * the same pairs (exit 0); every pair's class is counted; shards of one sweep are
 * disjoint, and `report merge` adds them up to the unsharded sweep.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as reportMain } from '../../cli/commands/report.js';
import { main as runMain } from '../../cli/commands/run.js';
import { main as sweepMain } from '../../cli/commands/sweep.js';
import type { ReportJson } from '../../harness/results.js';
import { parseReport, reportProblems } from '../../reports/json.js';
import { runCli } from './run-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-sweep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIX = join(__dirname, '..', 'fixtures', 'fuzz', 'modules');
const maskBlend = join(FIX, 'mask-blend.mjs');
const correct = join(FIX, 'reciprocal-blocked.mjs');
const out = (name: string) => ['--out', join(dir, 'cases'), '--report-dir', join(dir, name)];
const report = (name: string): ReportJson => parseReport('report.json', readFileSync(join(dir, name, 'report.json'), 'utf8'));
// Logits 0x7bfe-0x7c03: the two largest finite float16 values and the first NaN patterns
// around +inf, against every labels pattern; 2 logits patterns per call.
const range = ['--dtype', 'float16', '--beta', '0.5', '--logits', '7bfe-7c03', '--chunk-patterns', '2', '--no-timings', '--quiet'];

describe('smoothl1 sweep: usage errors (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['--beta', '1.0'], /sweep needs --dtype float16 or --dtype bfloat16/],
    [['--dtype', 'float32', '--beta', '1.0'], /sweep needs --dtype float16 or --dtype bfloat16, got 'float32'/],
    [['--dtype', 'float16'], /sweep needs --beta/],
    [['--dtype', 'float16', '--beta', 'half'], /--beta must be a float .* an int .* or a bool/],
    [['--dtype', 'float16', '--beta', '1.0', '--reduction', 'sum'], /takes only 'none', got 'sum'/],
    [['--dtype', 'float16', '--beta', '1.0', '--logits', '0400-03ff'], /--logits must be a range of hex patterns a-b with a <= b/],
    [['--dtype', 'float16', '--beta', '1.0', '--chunk-patterns', '0'], /--chunk-patterns must be a whole number from 1 to 1024/],
    [['--dtype', 'float16', '--beta', '1.0', '--shard', '0/4'], /--shard 0\/4: i must be between 1 and n/],
  ];
  for (const [argv, msg] of cases) {
    it(argv.join(' '), async () => {
      const r = await runCli(sweepMain, argv);
      expect(r.code).toBe(2);
      expect(r.usageError).toMatch(msg);
    });
  }
});

describe('smoothl1 sweep', () => {
  it('counts a faulty implementation\'s failing pairs by class and writes examples that run loads (exit 1)', async () => {
    const r = await runCli(sweepMain, [...range, '--runner', 'module', '--module', maskBlend, ...out('faulty')]);
    expect(r.code).toBe(1);
    const rep = report('faulty');
    expect(reportProblems(rep)).toEqual([]);
    const s = rep.sweep!;
    expect(s).toMatchObject({ dtype: 'float16', beta: { type: 'float', value: '0.5' }, reduction: 'none', logits: { first: '7bfe', last: '7c03' }, chunkPatterns: 2, chunks: 3, chunksDone: 3, pairs: 6 * 65536 });
    // Every pair is counted in exactly one class.
    expect(s.classes.reduce((n, c) => n + c.pairs, 0)).toBe(s.pairs);
    expect(s.classes.reduce((n, c) => n + c.failing, 0)).toBe(s.failingPairs);
    // The mask blend makes inf * 0 = NaN where an input is infinite: those pairs, and only those, fail.
    const byName = Object.fromEntries(s.classes.map((c) => [c.name, c]));
    expect(byName.inf.failing).toBeGreaterThan(0);
    expect(s.failingPairs).toBe(byName.inf.failing);
    expect(s.examples.length).toBeGreaterThan(0);
    expect(s.examples.every((e) => e.class === 'inf' && e.alone === 'fails')).toBe(true);
    expect(r.stdout).toMatch(/^ {2}inf +[0-9,]+ +[0-9,]+$/m);
    const rerun = (module: string) => runCli(runMain, ['--runner', 'module', '--module', module, '--cases', join(dir, 'cases'), '--report-dir', join(dir, 'rerun'), '--quiet']);
    expect((await rerun(maskBlend)).code).toBe(1);
    expect((await rerun(correct)).code).toBe(0);
  });

  it('gives exit 0 for a correct implementation on the same pairs', async () => {
    const r = await runCli(sweepMain, [...range, '--runner', 'module', '--module', correct, ...out('correct')]);
    expect(r.code).toBe(0);
    expect(report('correct').sweep).toMatchObject({ failingPairs: 0, examples: [] });
  });

  it('splits into disjoint shards that report merge adds up to the whole sweep', async () => {
    for (const i of [1, 2]) {
      const r = await runCli(sweepMain, [...range, '--runner', 'module', '--module', maskBlend, '--shard', `${i}/2`, ...out(`shard${i}`)]);
      expect(r.code).toBe(1);
    }
    const [a, b] = [report('shard1'), report('shard2')];
    expect(a.sweep!.chunksDone + b.sweep!.chunksDone).toBe(3);
    expect(new Set([...a.results, ...b.results].map((x) => x.id)).size).toBe(3);
    const m = await runCli(reportMain, ['merge', join(dir, 'shard1', 'report.json'), join(dir, 'shard2', 'report.json'), '-o', join(dir, 'merged')]);
    expect(m.code).toBe(1);
    const merged = report('merged');
    const whole = report('faulty');
    expect(merged.sweep).toEqual(whole.sweep);
    expect(merged.results).toEqual(whole.results);
    // A sweep's report does not merge with another sweep's.
    await runCli(sweepMain, [...range, '--beta', '1.0', '--runner', 'module', '--module', maskBlend, ...out('other')]);
    const bad = await runCli(reportMain, ['merge', join(dir, 'shard1', 'report.json'), join(dir, 'other', 'report.json'), '-o', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
  });
});
