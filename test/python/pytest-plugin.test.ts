/**
 * The Python package for real: installed offline into a fresh virtual environment
 * (python-env.ts), its pytest plugin run by real pytest on real implementations, and its
 * verdicts compared case by case with `smoothl1 run`'s (harness/run.ts with the exec
 * runner, serving the same function through `python -m smoothl1_conformance.serve`):
 * - the numpy template passes every case (cpu);
 * - a deliberately broken implementation fails with readable failures, one kind each;
 * - an implementation answering at every interval end and one ulp beyond it, at both
 *   levels, under the cpu and ascend profiles;
 * - PyTorch with expectations/pytorch.json gives the outcome set of the published report;
 * - pytest's own ways (-k, -x, --smoothl1-case, usage errors, strict xfail) work.
 *
 * Needs /usr/bin/python3 with venv, pytest, numpy, setuptools and wheel; without them the
 * tests are skipped with a loud message, and fail instead when SMOOTHL1_REQUIRE_PYTEST=1
 * (CI installs them and sets it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/spec-data.js';
import type { LoadedCase, ProfileName, ToleranceLevel } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { Checker } from '../../harness/check.js';
import { loadExpectations } from '../../harness/expectations.js';
import type { CaseResultJson, ReportJson } from '../../harness/results.js';
import { runCases } from '../../harness/run.js';
import { createRunner } from '../../runners/exec/index.js';
import { pythonHas } from '../adapters/run-suite.js';
import { createVenv, runPytest, type JunitCase, type PytestRun, type Venv } from './python-env.js';

const root = packageRoot();
const requirePytest = process.env.SMOOTHL1_REQUIRE_PYTEST === '1';
const setup = createVenv(root);
const venv: Venv | undefined = 'error' in setup ? undefined : setup;
if (!venv) {
  const why = (setup as { error: string }).error;
  if (requirePytest) throw new Error(`SMOOTHL1_REQUIRE_PYTEST=1 but the Python package cannot be tested: ${why}`);
  console.warn(`\n!!!!!!!! SKIPPING the pytest plugin tests: ${why}; set SMOOTHL1_REQUIRE_PYTEST=1 to make this an error !!!!!!!!\n`);
}
afterAll(() => venv?.remove());

const TEMPLATE = join(root, 'adapters/python/template.py');
const BROKEN = join(root, 'test/fixtures/python/broken.py');
const EDGES = join(root, 'test/fixtures/python/edges.py');
const corpus = loadCorpus();
const checkers = new Map<string, Checker>();

/** `smoothl1 run` on a Python function: the exec runner and the serve module of the installed package. */
async function cliRun(impl: string, profile: ProfileName, tolerance: ToleranceLevel, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; expectations?: string } = {}): Promise<CaseResultJson[]> {
  const key = `${profile}/${tolerance}`;
  if (!checkers.has(key)) checkers.set(key, new Checker({ profile, tolerance, rerunPrefix: 'npx smoothl1 run' }));
  const runner = createRunner({ command: `${venv!.python} -m smoothl1_conformance.serve ${impl}`, timeoutMs: opts.timeoutMs ?? 30_000, env: { ...process.env, ...opts.env } });
  const run = await runCases({
    runner,
    cases: corpus as LoadedCase[],
    profile,
    tolerance,
    timeoutMs: opts.timeoutMs ?? 30_000,
    expectations: opts.expectations ? loadExpectations(opts.expectations) : null,
    rerunPrefix: 'npx smoothl1 run',
    checker: checkers.get(key),
  });
  return run.results;
}

function pytest(impl: string, profile: ProfileName, tolerance: ToleranceLevel, extra: string[] = [], env: NodeJS.ProcessEnv = {}): PytestRun {
  return runPytest(venv!, ['--smoothl1-impl', `${impl}`, '--smoothl1-profile', profile, '--smoothl1-tolerance', tolerance, ...extra], env);
}

/** pytest's outcome for a suite status. */
function pytestOutcome(status: string): JunitCase['outcome'] {
  if (status === 'pass') return 'passed';
  if (status === 'expected-failure') return 'xfailed';
  if (status === 'skipped') return 'skipped';
  return 'failed';
}

/** Case-by-case differences between a CLI run and a pytest run (status, observed status, a value failure's reason, failing elements, max ulp). */
function verdictDiffs(cli: { id: string; status: string; reason: string; observed?: string; maxUlpError?: number | string | null; details?: { failedCount?: number } }[], py: PytestRun): string[] {
  const diffs: string[] = [];
  if (py.cases.size !== cli.length) diffs.push(`pytest ran ${py.cases.size} cases, smoothl1 run ${cli.length}`);
  for (const r of cli) {
    const t = py.cases.get(r.id);
    if (!t) {
      diffs.push(`${r.id}: not run by pytest`);
      continue;
    }
    const want = [r.status, r.observed ?? r.status, pytestOutcome(r.status)];
    const got = [t.props.smoothl1_status, t.props.smoothl1_observed ?? t.props.smoothl1_status, t.outcome];
    if (want.join() !== got.join()) diffs.push(`${r.id}: smoothl1 run ${want.join(' ')}, pytest ${got.join(' ')} (${t.message.slice(0, 160)})`);
    // A value failure reads the same in both: numbers written by the one rule (spec/fp-primer.md section 7).
    const checkReason = r.status === 'expected-failure' ? r.reason.replace(/^known failure \(.*?\): /s, '') : r.reason;
    if ((r.observed ?? r.status) === 'wrong-value' && r.status !== 'unexpected-pass' && !checkReason.endsWith(t.props.smoothl1_reason ?? '(no reason)')) diffs.push(`${r.id}: smoothl1 run says '${checkReason}', pytest '${t.props.smoothl1_reason}'`);
    const failed = r.details?.failedCount;
    if (failed !== undefined && String(failed) !== t.props.smoothl1_failed_elements) diffs.push(`${r.id}: ${failed} failing elements in smoothl1 run, ${t.props.smoothl1_failed_elements} in pytest`);
    if (r.maxUlpError !== undefined && r.maxUlpError !== null) {
      const cliUlp = r.maxUlpError === 'inf' ? Infinity : Number(r.maxUlpError);
      const pyUlp = t.props.smoothl1_max_ulp === 'inf' ? Infinity : Number(t.props.smoothl1_max_ulp);
      if (cliUlp !== pyUlp) diffs.push(`${r.id}: max ulp ${cliUlp} in smoothl1 run, ${pyUlp} in pytest`);
    }
  }
  return diffs;
}

const count = (py: PytestRun, outcome: string) => [...py.cases.values()].filter((c) => c.outcome === outcome).length;

describe.skipIf(!venv)('the pytest plugin (smoothl1_conformance installed offline in a fresh venv)', () => {
  it('installs with its default pack intact, registers the plugin and passes its unit tests', () => {
    const info = runPytest(venv!, ['--help']);
    expect(info.stdout).toContain('--smoothl1-impl=MODULE:FUNCTION');
    const r = spawnSync(venv!.python, ['-m', 'smoothl1_conformance'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`pack ${join(venv!.dir, 'venv')}`);
    expect(r.stdout).toMatch(new RegExp(`: ${corpus.length} cases, profiles cpu, gpu, ascend, levels strict, standard .*intact`));
    // the package's own unit tests (float formats, bfloat16 rounding, globs, tensors) against independent references
    const unit = runPytest(venv!, [join(root, 'python', 'tests')], { PYTHONDONTWRITEBYTECODE: '1' });
    expect(unit.code, unit.stdout.slice(-3000)).toBe(0);
    expect(count(unit, 'passed')).toBeGreaterThan(10);
  });

  it('the numpy template passes every case, and pytest and smoothl1 run agree case by case', async () => {
    // an expectations file whose only entry matches nothing: every case still passes, and the entry is named
    const xf = join(venv!.dir, 'unused.json');
    writeFileSync(xf, JSON.stringify({ expectations: [{ id: 'no-such-area/*', reason: 'a typo' }] }));
    const py = pytest(`${TEMPLATE}:smooth_l1_loss`, 'cpu', 'standard', ['--smoothl1-xfails', xf]);
    const cli = await cliRun(`${TEMPLATE}:smooth_l1_loss`, 'cpu', 'standard', { expectations: xf });
    expect(verdictDiffs(cli, py)).toEqual([]);
    expect(py.code, py.stdout.slice(-3000)).toBe(0);
    expect(count(py, 'passed')).toBe(corpus.length);
    expect(py.stdout).toContain(`${corpus.length} passed`);
    expect(py.stdout).toContain(`smoothl1: entries of ${xf} that matched no case: no-such-area/*`);
  }, 120_000);

  it('a broken implementation fails with readable failures of every kind, the verdicts of smoothl1 run', async () => {
    const py = pytest(`${BROKEN}:smooth_l1_loss`, 'cpu', 'standard', ['--smoothl1-timeout', '2']);
    const cli = await cliRun(`${BROKEN}:smooth_l1_loss`, 'cpu', 'standard', { timeoutMs: 2000 });
    expect(verdictDiffs(cli, py)).toEqual([]);
    expect(py.code).toBe(1);
    const statuses = new Set([...py.cases.values()].map((c) => c.props.smoothl1_status));
    for (const s of ['pass', 'wrong-value', 'wrong-error-type', 'wrong-shape', 'missing-error', 'wrong-dtype', 'unexpected-error', 'crash', 'timeout']) expect(statuses, s).toContain(s);
    // a wrong value is shown with inputs, expected value, interval, result (decimal and hex), ulps and a rerun line
    const block = py.stdout.split(/_{3,} smoothl1::/).find((b) => b.includes('WRONG-VALUE  threshold/float64-'));
    expect(block, py.stdout.slice(0, 3000)).toBeDefined();
    expect(block).toMatch(/reason: {3}\d+ of \d+ float64 elements outside the standard interval; first at \[\d+\]: expected [-0-9.e]+ in \[[-0-9.e]+, [-0-9.e]+\], got [-0-9.e]+ \(-?\d+(\.\d+)? ulp\)/);
    expect(block).toMatch(/ {4}logits {4}tensor float64 shape \[\d+\]: \[0\] [-0-9.e]+ \(0x[0-9a-f]{16}\)/);
    expect(block).toMatch(/\[\d+\] expected [-0-9.e]+ \(0x[0-9a-f]{16}\) {2}accepted \[[-0-9.e]+ \(0x[0-9a-f]{16}\), [-0-9.e]+ \(0x[0-9a-f]{16}\)\] {2}got [-0-9.e]+ \(0x[0-9a-f]{16}\) {2}error -?[0-9.e]+ ulp/);
    expect(block).toMatch(/rerun: {4}pytest --smoothl1-impl \S+broken\.py:smooth_l1_loss --smoothl1-profile cpu --smoothl1-tolerance standard --smoothl1-case threshold\/float64-/);
    expect(py.stdout).toMatch(/WRONG-ERROR-TYPE {2}\S+\n {2}reason: {3}expected error RuntimeError \(beta-out-of-range\), got ValueError: beta must be positive/);
    expect(py.stdout).toMatch(/CRASH {2}\S+\n {2}reason: {3}the implementation crashed: the implementation returned float nan, not an array/);
    expect(py.stdout).toMatch(/TIMEOUT {2}\S+\n {2}reason: {3}no answer: no answer within 2 s/);
  }, 120_000);

  it('outputs at and just beyond every interval end: pytest and smoothl1 run agree at both levels and two profiles', async () => {
    const seen = new Set<string>();
    for (const [profile, level] of [['cpu', 'standard'], ['cpu', 'strict'], ['ascend', 'standard']] as const) {
      const env = { SMOOTHL1_EDGES_PROFILE: profile };
      const py = pytest(`${EDGES}:smooth_l1_loss`, profile, level, [], env);
      const cli = await cliRun(`${EDGES}:smooth_l1_loss`, profile, level, { env });
      expect(verdictDiffs(cli, py), `${profile} ${level}`).toEqual([]);
      for (const r of cli) seen.add(r.status);
      expect(cli.filter((r) => r.status === 'pass').length, `${profile} ${level} passes`).toBeGreaterThan(20);
      expect(cli.filter((r) => r.status === 'wrong-value').length, `${profile} ${level} wrong values`).toBeGreaterThan(50);
    }
    for (const s of ['pass', 'wrong-value', 'wrong-error-type', 'missing-error', 'unexpected-error']) expect(seen, s).toContain(s);
  }, 180_000);

  const hasTorch = pythonHas('torch');
  const requireTorch = process.env.SMOOTHL1_REQUIRE_TORCH === '1';
  if (!hasTorch && !requireTorch) console.warn('\n!!!!!!!! SKIPPING PyTorch under pytest: /usr/bin/python3 cannot import torch (set SMOOTHL1_REQUIRE_TORCH=1 to make this an error) !!!!!!!!\n');
  it.skipIf(!hasTorch && !requireTorch)("PyTorch with expectations/pytorch.json: the published report's outcome for every case", () => {
    if (!hasTorch) throw new Error('SMOOTHL1_REQUIRE_TORCH=1 but /usr/bin/python3 cannot import torch');
    const published = JSON.parse(readFileSync(join(root, 'reports/published/pytorch/report.json'), 'utf8')) as ReportJson;
    const py = pytest(`${join(root, 'adapters/pytorch/adapter.py')}:smooth_l1_loss`, published.profile, published.tolerance, ['--smoothl1-xfails', join(root, 'expectations/pytorch.json')]);
    expect(verdictDiffs(published.results, py)).toEqual([]);
    expect(py.code, py.stdout.slice(-3000)).toBe(0);
    expect(py.stdout).toContain(`${published.summary.passed} passed, ${published.summary.expectedFailures} xfailed`);
  }, 120_000);

  it("pytest's own ways: -k, -x, --smoothl1-case, strict xfail, usage errors", () => {
    const impl = `${BROKEN}:smooth_l1_loss`;
    const k = pytest(impl, 'cpu', 'standard', ['-k', 'beta and float16']);
    const wantK = corpus.filter((c) => /beta/i.test(c.id) && /float16/i.test(c.id)).length;
    expect(k.cases.size).toBe(wantK);
    expect(k.stdout).toMatch(new RegExp(`${corpus.length - wantK} deselected`));
    const x = pytest(impl, 'cpu', 'standard', ['-x']);
    expect(count(x, 'failed')).toBe(1);
    expect(x.stdout).toContain('stopping after 1 failures');
    // with a path on the command line, the user's own tests run beside the cases
    const own = join(venv!.dir, 'test_own.py');
    writeFileSync(own, 'def test_mine():\n    assert True\n');
    const one = pytest(`${TEMPLATE}:smooth_l1_loss`, 'cpu', 'standard', ['--smoothl1-case', 'doc/*', '--smoothl1-case', 'beta/nan-float32', '-vv', own], { PYTHONDONTWRITEBYTECODE: '1' });
    expect([...one.cases.keys()].sort()).toEqual([...corpus.filter((c) => c.id.startsWith('doc/') || c.id === 'beta/nan-float32').map((c) => c.id), 'test_mine'].sort());
    expect(one.stdout).toContain('smoothl1::beta/nan-float32 PASSED');
    expect(one.stdout).toContain('test_own.py::test_mine PASSED');
    // 'module:function', the documented form, imported from the path
    const dotted = runPytest(venv!, ['--smoothl1-impl', 'template:smooth_l1_loss', '--smoothl1-case', 'doc/*'], { PYTHONPATH: join(root, 'adapters', 'python'), PYTHONDONTWRITEBYTECODE: '1' });
    expect(dotted.code, dotted.stdout + dotted.stderr).toBe(0);
    expect([...dotted.cases.keys()]).toEqual(['doc/example']);
    // a listed case that passes fails the run, naming the file to fix (strict xfail)
    const xf = join(venv!.dir, 'xfails.json');
    writeFileSync(xf, JSON.stringify({ expectations: [{ id: 'doc/*', reason: 'stale entry' }, { id: 'nothing/*', reason: 'matches nothing' }] }));
    const stale = pytest(`${TEMPLATE}:smooth_l1_loss`, 'cpu', 'standard', ['--smoothl1-case', 'doc/*', '--smoothl1-xfails', xf]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`UNEXPECTED-PASS  doc/example\n  reason:   listed as a known failure (stale entry) but passed: remove it from ${xf}`);
    expect([...stale.cases.values()].map((c) => c.props.smoothl1_status)).toEqual(['unexpected-pass']);
    // usage errors name the option and what was expected
    const bad = [
      [['--smoothl1-profile', 'tpu'], "--smoothl1-profile: unknown profile 'tpu'; the pack has cpu, gpu, ascend"],
      [['--smoothl1-xfails', join(venv!.dir, 'missing.json')], '--smoothl1-xfails: cannot read expectations file'],
      [['--smoothl1-case', 'nope/*'], "--smoothl1-case 'nope/*' matches no case"],
      [['--smoothl1-pack', venv!.dir], '--smoothl1-pack: '],
    ] as const;
    for (const [args, msg] of bad) {
      const r = runPytest(venv!, ['--smoothl1-impl', impl, ...args]);
      expect(r.code, msg).toBe(4);
      expect(r.stderr, msg).toContain(msg);
    }
    const noImpl = runPytest(venv!, ['--smoothl1-impl', 'no_such_module_xyz:fn']);
    expect(noImpl.code).toBe(4);
    expect(noImpl.stderr).toContain("--smoothl1-impl: 'no_such_module_xyz:fn': cannot import no_such_module_xyz");
  }, 120_000);
});
