/**
 * `--reporter github` (reports/github.ts, cli/reporter.ts). The output is read the way
 * GitHub's runner reads a step's log: a line whose text (leading blanks trimmed) starts
 * with '::' is a workflow command, `::stop-commands::<token>` ignores commands until
 * `::<token>::`, messages and properties are unescaped by GitHub's rules. What counts is
 * the commands GitHub would obey: the totals, exactly one error per unexpected outcome
 * (titled with its case id and status, its message the reason), and nothing an
 * implementation wrote into its error messages.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as runMain } from '../../cli/commands/run.js';
import { main as reportMain } from '../../cli/commands/report.js';
import type { ReportJson } from '../../harness/results.js';
import { escapeData, escapeProperty, STEP_SUMMARY_LIMIT, stepSummaryText } from '../../reports/github.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { writeFixtureCorpus } from '../harness/run-fixtures.js';
import { runCli, writeImplModule } from './run-helpers.js';

/** GitHub's own unescaping (actions/runner ActionCommand: data %0D %0A %25; properties also %3A %2C). */
const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

interface Command {
  name: string;
  properties: Record<string, string>;
  message: string;
}

/** The workflow commands GitHub obeys in a log, stop-commands included. */
function obeyedCommands(log: string): Command[] {
  const out: Command[] = [];
  let stopToken: string | undefined;
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (!line.startsWith('::')) continue;
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const end = line.indexOf('::', 2);
    if (end < 0) continue;
    const head = line.slice(2, end);
    const space = head.indexOf(' ');
    const name = space < 0 ? head : head.slice(0, space);
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const kv of head.slice(space + 1).split(',')) {
        const eq = kv.indexOf('=');
        if (eq > 0) properties[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
      }
    }
    const message = line.slice(end + 2);
    if (name === 'stop-commands') {
      stopToken = message;
      continue;
    }
    out.push({ name, properties, message: unescapeData(message) });
  }
  return out;
}

describe('escaping by GitHub workflow-command rules', () => {
  it('every message and property comes back unchanged and stays on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const d = escapeData(s);
        const p = escapeProperty(s);
        expect(d).not.toMatch(/[\r\n]/);
        expect(p).not.toMatch(/[\r\n:,]/);
        expect(unescapeData(d)).toBe(s);
        expect(unescapeProperty(p)).toBe(s);
      }),
      { numRuns: 500 },
    );
    expect(escapeData('50% done\r\n::error::x')).toBe('50%25 done%0D%0A::error::x');
    expect(escapeProperty('a/b: c,d')).toBe('a/b%3A c%2Cd');
  });
});

describe('smoothl1 run --reporter github', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothl1-github-'));
  const cases = join(dir, 'cases');
  const hostile = join(dir, 'hostile.mjs');
  beforeAll(() => {
    writeFixtureCorpus(cases);
    // Wrong answers whose error messages try to issue workflow commands of their own.
    writeImplModule(hostile, {
      'reductions/mean': `raise('ValueError', 'bad mean\\n::error title=fake::injected\\n  ::add-mask::secret\\n%0A::warning::x')`,
      'doc/example': 'f32([0, 0, 1])',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('annotates the totals and each unexpected outcome once, and nothing the implementation wrote', async () => {
    const r = await runCli(runMain, ['--runner', 'module', '--module', hostile, '--cases', cases, '--report-dir', join(dir, 'out'), '--no-timings', '--reporter', 'github']);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as ReportJson;
    const unexpected = report.results.filter((x) => !['pass', 'expected-failure', 'skipped'].includes(x.status));
    expect(unexpected.map((x) => x.id)).toEqual(['doc/example', 'large/generated', 'reductions/mean']);
    // The injected text is in the log (the console summary shows the message in full) ...
    expect(r.stdout).toMatch(/^\s*::error title=fake::injected$/m);
    // ... but GitHub obeys only our commands.
    const commands = obeyedCommands(r.stdout);
    expect(commands.map((c) => c.name)).toEqual(['notice', 'error', 'error', 'error']);
    expect(commands[0].properties.title).toBe('SmoothL1Loss conformance');
    expect(commands[0].message).toMatch(/^FAIL: 8 cases: \d+ passed, 3 failed/);
    for (const [i, res] of unexpected.entries()) {
      const c = commands[i + 1];
      expect(c.properties.title).toBe(`${res.id}: ${res.status}`);
      expect(c.message.startsWith(res.reason)).toBe(true);
      expect(c.message).toContain(`rerun: ${res.details!.rerun}`);
    }
    expect(commands[3].message).toMatch(/^expected output float32 shape \[\], got ValueError: bad mean/);
    expect(r.stderr).not.toMatch(/^\s*::/m);
  });

  it('a passing run: the totals notice and no error', async () => {
    const r = await runCli(runMain, ['--runner', 'cpu', '--filter', 'doc', '--report-dir', join(dir, 'pass'), '--reporter', 'github', '--quiet']);
    expect(r.code).toBe(0);
    const commands = obeyedCommands(r.stdout);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ name: 'notice', message: expect.stringMatching(/^PASS: 1 cases: 1 passed, 0 failed/) });
  });

  it('a setup error is annotated too, and the exit code stays 2', async () => {
    const r = await runCli(runMain, ['--runner', 'exec', '--command', join(dir, 'no-such-program'), '--cases', cases, '--report-dir', join(dir, 'x'), '--reporter', 'github']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/smoothl1: runner '.*' cannot start: .*ENOENT/);
    const commands = obeyedCommands(r.stdout);
    expect(commands).toEqual([{ name: 'error', properties: { title: 'smoothl1 run' }, message: expect.stringMatching(/cannot start .*ENOENT/) }]);
  });

  it('appends report.md to $GITHUB_STEP_SUMMARY (appending, never replacing); an unusable summary file is a warning, not a verdict', async () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, 'an earlier step\n');
    const saved = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      const r = await runCli(runMain, ['--runner', 'module', '--module', hostile, '--cases', cases, '--report-dir', join(dir, 'sum'), '--no-timings', '--reporter', 'github']);
      expect(r.code).toBe(1);
      const text = readFileSync(summary, 'utf8');
      expect(text.startsWith('an earlier step\n## SmoothL1Loss conformance: ❌ 3 unexpected outcomes')).toBe(true);
      expect(text).toContain(readFileSync(join(dir, 'sum', 'report.md'), 'utf8'));
      process.env.GITHUB_STEP_SUMMARY = dir; // a folder: appending fails
      const w = await runCli(runMain, ['--runner', 'cpu', '--filter', 'doc', '--report-dir', join(dir, 'sum2'), '--reporter', 'github', '--quiet']);
      expect(w.code).toBe(0);
      expect(w.stderr).toMatch(/warning: cannot append the job summary to \$GITHUB_STEP_SUMMARY/);
      // The console reporter never touches the summary file.
      process.env.GITHUB_STEP_SUMMARY = summary;
      const before = readFileSync(summary, 'utf8');
      await runCli(runMain, ['--runner', 'cpu', '--filter', 'doc', '--report-dir', join(dir, 'sum3'), '--quiet']);
      expect(readFileSync(summary, 'utf8')).toBe(before);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = saved;
    }
  });

  it('a summary above GitHub\'s 1 MiB limit is cut at a line, its open fence and <details> closed', () => {
    const report = JSON.parse(readFileSync(join(dir, 'sum', 'report.json'), 'utf8')) as ReportJson;
    const failing = report.results.find((x) => x.status === 'wrong-value')!;
    const many = Array.from({ length: 12000 }, (_, i) => ({ ...failing, id: `big/${i}`, reason: 'é'.repeat(60) + ` case ${i}` }));
    expect(Buffer.byteLength(renderMarkdown({ ...report, results: many }))).toBeGreaterThan(STEP_SUMMARY_LIMIT);
    const text = stepSummaryText({ ...report, results: many });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT + 200);
    expect(text).toMatch(/cut to GitHub.s step summary limit; the full text is in report.md\)\n$/);
    expect((text.match(/^`{3,}/gm) ?? []).length % 2).toBe(0);
    expect((text.match(/<details>/g) ?? []).length).toBe((text.match(/<\/details>/g) ?? []).length);
    expect(text).not.toContain('\uFFFD');
  });

  it('report merge --reporter github annotates the merged report; an unknown reporter is a usage error', async () => {
    const part = (n: number) => runCli(runMain, ['--runner', 'module', '--module', hostile, '--cases', cases, '--report-dir', join(dir, `s${n}`), '--formats', 'json', '--shard', `${n}/2`]);
    await part(1);
    await part(2);
    const m = await runCli(reportMain, ['merge', join(dir, 's1', 'report.json'), join(dir, 's2', 'report.json'), '-o', join(dir, 'merged'), '--reporter', 'github']);
    expect(m.code).toBe(1);
    const commands = obeyedCommands(m.stdout);
    expect(commands.map((c) => [c.name, c.properties.title])).toEqual([
      ['notice', 'SmoothL1Loss conformance'],
      ['error', 'doc/example: wrong-value'],
      ['error', 'large/generated: unexpected-error'],
      ['error', 'reductions/mean: unexpected-error'],
    ]);
    const bad = await runCli(runMain, ['--reporter', 'gitlab']);
    expect(bad.code).toBe(2);
    expect(bad.usageError).toMatch(/unknown reporter 'gitlab'; expected one of console, github/);
  });
});
