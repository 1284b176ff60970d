/**
 * `smoothl1 fuzz` end to end (in-process, implementations through the module runner, in a
 * process of their own): usage errors exit 2; a faulty implementation is found (exit 1),
 * the minimal call written as a case file that `run --cases` loads and judges the same way
 * (and a correct implementation passes), the report valid with its fuzz section and
 * byte-identical for a seed; a correct implementation gives exit 0; the time limit ends an
 * open-ended search; --reporter github annotates the finding.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as fuzzMain } from '../../cli/commands/fuzz.js';
import { main as runMain } from '../../cli/commands/run.js';
import type { ReportJson } from '../../harness/results.js';
import { parseReport, reportProblems } from '../../reports/json.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCli } from './run-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIX = join(__dirname, '..', 'fixtures', 'fuzz', 'modules');
const faulty = join(FIX, 'beta-inf-square.mjs');
const correct = join(FIX, 'float64.mjs');
const out = (name: string) => ['--out', join(dir, name, 'cases'), '--report-dir', join(dir, name, 'report')];
const report = (name: string): ReportJson => parseReport('report.json', readFileSync(join(dir, name, 'report', 'report.json'), 'utf8'));

describe('smoothl1 fuzz: usage errors (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['--runs', '0'], /--runs must be a whole number from 1/],
    [['--time-limit', 'soon'], /--time-limit must be a positive number of seconds/],
    [['--time-limit', '0'], /--time-limit must be a positive number of seconds/],
    [['--max-elements', '-1'], /--max-elements must be a whole number from 0/],
    [['--seed', '4294967296'], /--seed must be a whole number from 0 to 4294967295/],
    [['--out', 'x', '--report-dir', 'x'], /--out .* and --report-dir .* must be different folders/],
    [['--runner', 'exec'], /the exec runner needs --command/],
    [['--module', 'x.mjs'], /--module is for the module runner/],
    [['--runner', 'module', '--module', '/nonexistent/impl.mjs', ...out('u')], /cannot create runner 'module'.*no such file/],
    [['--filter', 'x'], /unknown option '--filter'/],
    [['--out', __filename, '--report-dir', join(dir, 'u', 'report')], /--out: .* is a file, not a folder/],
  ];
  for (const [argv, msg] of cases) {
    it(argv.join(' '), async () => {
      const r = await runCli(fuzzMain, argv);
      expect(r.code).toBe(2);
      expect(r.usageError).toMatch(msg);
    });
  }
});

describe('smoothl1 fuzz', () => {
  const faultyArgs = ['--runner', 'module', '--module', faulty, '--seed', '3', '--runs', '500', '--max-elements', '64', '--no-timings'];

  it('finds the faulty implementation, writes the minimal call as a case file and a valid report (exit 1)', async () => {
    const r = await runCli(fuzzMain, [...faultyArgs, ...out('found')]);
    expect(r.code).toBe(1);
    const rep = report('found');
    expect(reportProblems(rep)).toEqual([]);
    const f = rep.fuzz!.finding!;
    expect(rep.fuzz).toMatchObject({ seed: 3, runs: 500, maxElements: 64, end: 'failure', runsDone: f.run });
    expect(rep.summary).toMatchObject({ total: f.run, failed: 1, passed: f.run - 1 });
    expect(existsSync(f.caseFile)).toBe(true);
    expect(r.stdout).toContain(`case file:  ${f.caseFile}`);
    expect(r.stdout).toContain(`rerun:      ${f.rerun}`);
    expect(r.stdout).toMatch(/^fuzz: seed 3: found a failure at call \d+$/m);
    const [c] = loadCorpus(join(dir, 'found', 'cases'));
    expect(c.id).toBe(f.id);
    expect(c.tags).toContain('fuzz');
    expect(f.rerun).toContain(`--cases ${join(dir, 'found', 'cases')}`);
    expect(f.rerun).toContain(`--filter ${f.id}`);
  });

  it('the case file reproduces the failure under run, and a correct implementation passes it', async () => {
    const f = report('found').fuzz!.finding!;
    const rerun = (module: string) => runCli(runMain, ['--runner', 'module', '--module', module, '--cases', join(dir, 'found', 'cases'), '--filter', f.id, '--report-dir', join(dir, 'rerun'), '--quiet']);
    expect((await rerun(faulty)).code).toBe(1);
    expect((await rerun(correct)).code).toBe(0);
  });

  it('is deterministic: the same seed writes a byte-identical report (--no-timings)', async () => {
    await runCli(fuzzMain, [...faultyArgs, ...out('again')]);
    expect(readFileSync(join(dir, 'again', 'report', 'report.json'), 'utf8').replace(/again/g, 'found')).toBe(readFileSync(join(dir, 'found', 'report', 'report.json'), 'utf8'));
  });

  it('gives exit 0 for a correct implementation, with one passing result per call', async () => {
    const r = await runCli(fuzzMain, ['--runner', 'module', '--module', correct, '--seed', '5', '--runs', '150', '--max-elements', '64', ...out('ok')]);
    expect(r.code).toBe(0);
    const rep = report('ok');
    expect(rep.fuzz).toMatchObject({ runsDone: 150, end: 'runs', finding: null });
    expect(rep.summary).toMatchObject({ total: 150, passed: 150, failed: 0 });
    expect(r.stdout).toMatch(/fuzz: seed 5: no failure in 150 calls/);
  });

  it('--time-limit alone searches until the time is up', async () => {
    const t0 = Date.now();
    const r = await runCli(fuzzMain, ['--seed', '9', '--time-limit', '1.5', '--max-elements', '16', '--profile', 'ascend', ...out('timed')]);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const rep = report('timed');
    expect(rep.fuzz).toMatchObject({ runs: null, timeLimitS: 1.5 });
    if (rep.fuzz!.end !== 'failure') {
      expect(r.code).toBe(0);
      expect(rep.fuzz!.end).toBe('time-limit');
    }
    expect(rep.fuzz!.runsDone).toBeGreaterThan(10);
  });

  it('--reporter github annotates the finding', async () => {
    const r = await runCli(fuzzMain, [...faultyArgs, ...out('gh'), '--reporter', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=[^:]+%3A wrong-value::/m);
    expect(r.stdout).toMatch(/::stop-commands::/);
  });
});
