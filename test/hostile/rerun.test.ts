/**
 * The rerun command printed for a failure is built in one place and carries everything
 * that can change the outcome, so running it reproduces the failure; the vitest
 * integration's hint names the user's own test, not the CLI's CPU kernel.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseJson } from '../../common/types.js';
import type { ReportJson } from '../../harness/results.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { BIN, cli, ensureBuilt, NODE, ROOT, tempDir, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);
const impl = fileURLToPath(new URL('../fixtures/hostile/cpu-impl.mjs', import.meta.url));

describe('the rerun command', () => {
  it('carries runner, command, corpus, time limits, profile, tolerance and expectations, and reproduces the outcome', async () => {
    const dir = tempDir('rerun');
    const cases = join(dir, 'cases');
    const docs: Record<string, CaseJson> = {};
    for (const id of ['r/1', 'r/2-crash', 'r/3']) docs[id] = structuredClone(fixtureCases['doc/example']);
    writeFixtureCorpus(cases, docs);
    const known = join(dir, 'known.json');
    writeFileSync(known, JSON.stringify({ expectations: [{ id: 'r/3', reason: 'listed on purpose', statuses: ['crash'] }] }));
    const command = `${NODE} ${impl} --crash-on r/2-crash`;
    const out = join(dir, 'out');
    const r = await cli(['run', '--runner', 'exec', '--command', command, '--cases', cases, '--profile', 'gpu', '--tolerance', 'strict', '--timeout', '4321', '--startup-timeout', '8765', '--expectations', known, '--report-dir', out, '--quiet']);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    const failed = report.results.find((x) => x.id === 'r/2-crash')!;
    expect(failed.status).toBe('crash');
    const rerun = failed.details!.rerun;
    for (const part of ['--runner exec', `--command '${command}'`, `--cases ${cases}`, '--profile gpu', '--tolerance strict', '--timeout 4321', '--startup-timeout 8765', `--expectations ${known}`, '--filter r/2-crash']) expect(rerun).toContain(part);
    // Run it as printed (with this checkout's CLI for npx smoothl1).
    const again = join(dir, 'again');
    const sh = spawnSync('sh', ['-c', `${rerun.replace(/^npx smoothl1/, `${NODE} ${BIN}`)} --report-dir ${again} --quiet`], { cwd: ROOT, encoding: 'utf8' });
    expect(sh.status, sh.stderr).toBe(1);
    const second = JSON.parse(readFileSync(join(again, 'report.json'), 'utf8')) as ReportJson;
    expect(second.results.map((x) => [x.id, x.status])).toEqual([['r/2-crash', 'crash']]);
    expect([second.profile, second.tolerance, second.runner.name, second.expectations?.file]).toEqual([report.profile, report.tolerance, report.runner.name, known]);
  }, 30_000);

  it('of the vitest integration names the user\'s test file and case, not the CLI', () => {
    const root = join(ROOT, 'test/hostile/fixtures/vitest-hint');
    const r = spawnSync(NODE, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const text = r.stdout + r.stderr;
    expect(r.status, text).toBe(1);
    expect(text).toContain('doc/example: wrong-value');
    expect(text).toContain('rerun: npx vitest run test/hostile/fixtures/vitest-hint/hint.check.ts -t doc/example');
    expect(text).not.toContain('npx smoothl1 run');
  }, 60_000);
});
