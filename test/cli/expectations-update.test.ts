/**
 * `smoothl1 expectations update` on real runs: an implementation with a known defect (the
 * CPU kernel, but float64 results refused with RuntimeError, as a float32-only GPU kernel
 * does) is checked, the report turned into an expectations file, and the same
 * implementation run again with it. The rerun, not the updater's own bookkeeping, is what
 * shows the file is right: no unexpected outcome, reasons kept where entries were kept.
 * The written file is validated against spec/expectations.schema.json with a separately
 * compiled schema.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { CallArgs, RunContext, RunnerResult } from '../../common/types.js';
import { main as expectationsMain } from '../../cli/commands/expectations.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { checkConformance, type ConformanceOptions } from '../../harness/conformance.js';
import type { ExpectationEntry } from '../../harness/expectations.js';
import { globToRegExp } from '../../harness/glob.js';
import { PLACEHOLDER_PREFIX } from '../../harness/expectations-update.js';
import type { ReportJson } from '../../harness/results.js';
import { renderJson } from '../../reports/json.js';
import { runnerFromFunction } from '../../runners/module/index.js';
import { smoothL1Loss } from '../../runners/cpu/index.js';
import { ROOT } from '../cases/cli-helpers.js';
import { runCli } from './run-helpers.js';

const ids = loadCorpus().map((c) => c.id);
const matches = (glob: string) => ids.filter((id) => globToRegExp(glob).test(id));
const validFile = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'spec', 'expectations.schema.json'), 'utf8')) as object);

/** The defect: every float64 result is refused. */
const noFloat64 = runnerFromFunction((args: CallArgs, ctx: RunContext): RunnerResult => {
  const r = smoothL1Loss(args, ctx.profile);
  return r.kind === 'output' && r.tensor.dtype === 'float64' ? { kind: 'error', errorType: 'RuntimeError', message: 'float64 is not supported' } : r;
}, { name: 'no-float64' });

const SELECTION = ['dtypes,special,doc,threshold/float64-*,threshold/float32-*'];

async function run(dir: string, name: string, options: ConformanceOptions = {}): Promise<{ file: string; report: ReportJson }> {
  const report = await checkConformance(noFloat64, { filters: SELECTION, profile: 'cpu', timings: false, ...options });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, renderJson(report));
  return { file, report };
}

const observedFailures = (r: ReportJson) => r.results.filter((x) => (x.observed ?? x.status) !== 'pass' && x.status !== 'skipped').map((x) => x.id);
const entriesOf = (file: string) => {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { expectations: ExpectationEntry[] };
  expect(validFile(json), JSON.stringify(validFile.errors)).toBe(true);
  return json.expectations;
};

describe('smoothl1 expectations update', () => {
  it('writes entries for new failures, grouped only under globs that match exactly the failing cases, and the rerun is green', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-xupdate-'));
    const first = await run(dir, 'first');
    const failing = observedFailures(first.report);
    expect(failing.length).toBeGreaterThan(10);
    expect(failing.every((id) => /float64/.test(id))).toBe(true);

    const file = join(dir, 'known.json');
    const r = await runCli(expectationsMain, ['update', '--from', first.file, '--expectations', file]);
    expect(r.usageError).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/added/);
    const entries = entriesOf(file);
    for (const e of entries) {
      expect(e.profiles).toEqual(['cpu']);
      expect(e.statuses).toEqual(['unexpected-error']);
      expect(e.reason.startsWith(PLACEHOLDER_PREFIX)).toBe(true);
      expect(matches(e.id).every((id) => failing.includes(id)), `${e.id} matches only failing cases`).toBe(true);
    }
    expect(new Set(entries.flatMap((e) => matches(e.id)))).toEqual(new Set(failing));
    expect(entries.map((e) => e.id)).toContain('dtypes/float64-*'); // grouped: the three float64 reductions
    expect(entries.length).toBeLessThan(failing.length);

    const again = await run(dir, 'again', { expectations: file });
    expect(again.report.summary).toMatchObject({ failed: 0, unexpectedPasses: 0, expectedFailures: failing.length });
  });

  it('narrows an over-broad glob and keeps its reason, removes entries that pass or match nothing, keeps what the report did not check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-xupdate-'));
    const file = join(dir, 'known.json');
    const before = {
      $schema: 'https://example.test/schema.json',
      $comment: 'kept as written',
      expectations: [
        { id: 'special/**', reason: 'bug 42: no float64 kernels', statuses: ['unexpected-error'] },
        { id: 'doc/example', reason: 'bug 7 (fixed since)' },
        { id: 'gone/*', reason: 'a case that was removed from the corpus' },
        { id: 'dtypes/**', reason: 'ascend-only note', profiles: ['ascend'] },
        { id: 'threshold/**', reason: 'bug 43 on cpu and gpu', profiles: ['cpu', 'gpu'] },
      ],
    };
    writeFileSync(file, JSON.stringify(before, null, 2));
    const first = await run(dir, 'first', { expectations: file });
    expect(first.report.summary.unexpectedPasses).toBeGreaterThan(0); // special/**, doc/example, threshold/** match passing cases
    const passed = first.report.results.filter((x) => (x.observed ?? x.status) === 'pass').map((x) => x.id);

    const r = await runCli(expectationsMain, ['update', '--from', first.file]); // the file the report names
    expect(r.usageError).toBeUndefined();
    expect(r.stdout).toMatch(/narrowed +special\/\*\*/);
    expect(r.stdout).toMatch(/narrowed +threshold\/\*\*/);
    expect(r.stdout).toMatch(/removed +doc\/example \(every case it matches passes now\)/);
    expect(r.stdout).toMatch(/removed +gone\/\* \(matches no case of the corpus\)/);
    const json = JSON.parse(readFileSync(file, 'utf8')) as typeof before;
    expect([json.$schema, json.$comment]).toEqual([before.$schema, before.$comment]);
    const entries = entriesOf(file);
    const byReason = (reason: string) => entries.filter((e) => e.reason === reason);

    // special/** (any profile) now covers exactly the special cases that did not pass, with its reason and statuses
    const special = byReason(before.expectations[0].reason);
    expect(special.map((e) => e.id)).toEqual(['special/float64-*']);
    expect(special[0]).toEqual({ ...before.expectations[0], id: 'special/float64-*' });
    expect(entries.some((e) => e.id === 'doc/example' || e.id === 'gone/*')).toBe(false);
    expect(entries).toContainEqual(before.expectations[3]); // another profile's entry: untouched
    // threshold/** keeps its glob for gpu (not checked) and, under cpu, covers what did not pass,
    // including the threshold cases outside the report's selection
    const threshold = byReason(before.expectations[4].reason);
    expect(threshold[0]).toEqual({ ...before.expectations[4], profiles: ['gpu'] });
    const underCpu = threshold.slice(1);
    for (const e of underCpu) expect(e.profiles).toEqual(['cpu']);
    expect(new Set(underCpu.flatMap((e) => matches(e.id)))).toEqual(new Set(matches('threshold/**').filter((id) => !passed.includes(id))));
    // the dtypes float64 failures were expected by nothing under cpu: new entries
    expect(entries.filter((e) => e.reason.startsWith(PLACEHOLDER_PREFIX)).map((e) => e.id)).toEqual(['dtypes/float64-*']);

    const again = await run(dir, 'again', { expectations: file });
    expect(again.report.summary).toMatchObject({ failed: 0, unexpectedPasses: 0 });
    const known = again.report.results.filter((x) => x.id.startsWith('special/') && x.status === 'expected-failure');
    expect(known.length).toBeGreaterThan(0);
    for (const x of known) expect(x.expectation).toBe(before.expectations[0].reason);
  });

  it('keeps covering the cases a sharded report did not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-xupdate-'));
    const file = join(dir, 'known.json');
    writeFileSync(file, JSON.stringify({ expectations: [{ id: 'special/**', reason: 'bug 42' }] }));
    const shard = await run(dir, 'shard1', { expectations: file, shard: '1/2' });
    const passedHere = shard.report.results.filter((x) => (x.observed ?? x.status) === 'pass').map((x) => x.id);
    expect(passedHere.some((id) => id.startsWith('special/'))).toBe(true);
    expect((await runCli(expectationsMain, ['update', '--from', shard.file])).code).toBe(0);
    const covered = new Set(entriesOf(file).filter((e) => e.reason === 'bug 42' && (e.profiles === undefined || e.profiles.includes('cpu'))).flatMap((e) => matches(e.id)));
    expect(covered).toEqual(new Set(matches('special/**').filter((id) => !passedHere.includes(id))));
  });

  it('prints instead of writing with --dry-run, and refuses what it cannot do with a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-xupdate-'));
    const first = await run(dir, 'first', { filters: ['dtypes/float64-*'] });
    const dry = await runCli(expectationsMain, ['update', '--from', first.file, '--expectations', join(dir, 'new.json'), '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ expectations: [{ id: 'dtypes/float64-*', profiles: ['cpu'], statuses: ['unexpected-error'] }] });
    expect(() => readFileSync(join(dir, 'new.json'))).toThrow();

    const usage = async (argv: string[]) => (await runCli(expectationsMain, argv)).usageError ?? '(no usage error)';
    expect(await usage(['update'])).toMatch(/--from <report.json> is required/);
    expect(await usage(['update', '--from', join(dir, 'missing.json')])).toMatch(/cannot read report .*missing\.json: ENOENT/);
    expect(await usage(['update', '--from', first.file])).toMatch(/made without an expectations file; name the file to create with --expectations/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ expectations: [{ id: 'x' }] }));
    expect(await usage(['update', '--from', first.file, '--expectations', join(dir, 'bad.json')])).toMatch(/bad\.json: \/expectations\/0: missing required property 'reason'/);
    writeFileSync(join(dir, 'not-a-report.json'), '{"format": "x"}');
    expect(await usage(['update', '--from', join(dir, 'not-a-report.json'), '--expectations', join(dir, 'n.json')])).toMatch(/not a valid report\.json/);
    // a report made on another corpus: its ids and globs would not mean the same cases
    const other = join(dir, 'cases');
    mkdirSync(other);
    cpSync(join(ROOT, 'cases', 'doc'), join(other, 'doc'), { recursive: true });
    expect(await usage(['update', '--from', first.file, '--expectations', join(dir, 'n.json'), '--cases', other])).toMatch(/was made on another corpus .* pass that corpus with --cases <dir>/);
    expect(await usage(['frobnicate'])).toMatch(/unknown expectations subcommand 'frobnicate'/);
  });
});
