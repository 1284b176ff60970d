/**
 * Results are only worth a run if they can be kept: the report folder is checked before
 * the first case (exit 2, one line), and the report set is replaced as a whole, never
 * leaving files of two runs side by side or temporary files behind, even when the
 * writing process is killed at a random moment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportDir } from '../../reports/index.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { cli, ensureBuilt, NODE, ROOT, tempDir, writeModule, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);

describe('the report folder is checked before the first case', () => {
  it('a file, a path under /proc, a path through a file, a folder of other files, "" and a forgotten value: exit 2, one line, nothing run', async () => {
    const dir = tempDir('report-dir');
    const cases = join(dir, 'cases');
    writeFixtureCorpus(cases, { 'doc/example': fixtureCases['doc/example'] });
    const marker = join(dir, 'called');
    const mod = writeModule(dir, 'impl.mjs', `import { writeFileSync } from 'node:fs';
export function smoothL1Loss() { writeFileSync(${JSON.stringify(marker)}, 'x'); return { dtype: 'float32', shape: [3], data: new Float32Array([0, 0, 0.5]) }; }`);
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'notes.txt'), 'mine');
    const bad: [string[], RegExp][] = [
      [['--report-dir', join(dir, 'a-file')], /--report-dir: .*a-file is a file, not a folder/],
      [['--report-dir', '/proc/smoothl1-reports'], /--report-dir: cannot create the report folder \/proc\/smoothl1-reports/],
      [['--report-dir', join(dir, 'a-file', 'sub')], /--report-dir: cannot create the report folder .*ENOTDIR/],
      [['--report-dir', join(dir, 'busy')], /--report-dir: .*busy holds files that are not reports \(notes\.txt\)/],
      [['--report-dir', ''], /option '--report-dir' needs a non-empty value/],
      [['--report-dir', '--no-timings'], /option '--report-dir' needs a value, but the next argument is the option '--no-timings'/],
      [['--cases', ''], /option '--cases' needs a non-empty value/],
    ];
    const runs = await Promise.all(bad.map(([extra]) => cli(['run', '--runner', 'module', '--module', mod, '--cases', cases, ...extra], { limitMs: 20_000 })));
    for (const [k, [extra, msg]] of bad.entries()) {
      const r = runs[k];
      expect(r.killed, extra.join(' ')).toBe(false);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(marker), 'no case may run').toBe(false);
    }
    expect(readFileSync(join(dir, 'busy', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(ROOT, '--no-timings'))).toBe(false);
  }, 60_000);
});

describe('exit 3: the suite could not finish its own job', () => {
  it('the report folder replaced by a file while the cases run (an implementation can do that): exit 3, one line, no green', async () => {
    const dir = tempDir('exit-3');
    const cases = join(dir, 'cases');
    writeFixtureCorpus(cases, { 'doc/example': fixtureCases['doc/example'] });
    const out = join(dir, 'out');
    const mod = writeModule(dir, 'impl.mjs', `import { rmSync, writeFileSync } from 'node:fs';
export function smoothL1Loss() {
  rmSync(${JSON.stringify(out)}, { recursive: true, force: true });
  writeFileSync(${JSON.stringify(out)}, 'not a folder any more');
  return { dtype: 'float32', shape: [3], data: new Float32Array([0, 0, 0.5]) };
}`);
    const r = await cli(['run', '--runner', 'module', '--module', mod, '--cases', cases, '--report-dir', out, '--quiet'], { limitMs: 30_000 });
    expect(r.killed).toBe(false);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/internal error: the reports could not be written to .*out/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).not.toMatch(/^PASS/m);
    expect(readFileSync(out, 'utf8')).toBe('not a folder any more');
  }, 40_000);
});

describe('the report set is replaced as a whole', () => {
  it('a second run with other formats leaves exactly its own files, nothing temporary', async () => {
    const dir = tempDir('report-set');
    const cases = join(dir, 'cases');
    writeFixtureCorpus(cases, { 'doc/example': fixtureCases['doc/example'] });
    const out = join(dir, 'out');
    expect((await cli(['run', '--cases', cases, '--report-dir', out, '--quiet'])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
    expect((await cli(['run', '--cases', cases, '--report-dir', out, '--formats', 'json,md', '--quiet'])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.json', 'report.md']);
    expect(readdirSync(dir).sort()).toEqual(['cases', 'out']);
  }, 30_000);

  it('killed at random moments while writing: always one whole set (or none), and the next check clears the leftovers', async () => {
    const dir = tempDir('report-kill');
    const out = join(dir, 'out');
    // Writes sets A and B in turn, forever: every file of a set says which set it belongs to.
    const writer = writeModule(dir, 'writer.mjs', `import * as reports from ${JSON.stringify(join(ROOT, 'dist/reports/atomic-write.js'))};
const { writeReportFiles } = reports;
const names = ['report.json', 'junit.xml', 'report.md', 'report.html'];
for (const n of names) reports.registerReportName?.(n);
const big = 'x'.repeat(200_000);
for (let k = 0; ; k++) {
  const tag = k % 2 ? 'A' : 'B';
  writeReportFiles(${JSON.stringify(out)}, names.map((name) => ({ name, content: tag + big })));
}`);
    let seen = 0;
    for (let round = 0; round < 25; round++) {
      const child = spawn(NODE, [writer], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 80 + ((round * 37) % 70)));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      if (!existsSync(out)) continue;
      seen++;
      const files = readdirSync(out).sort();
      expect(files).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
      const tags = new Set(files.map((f) => readFileSync(join(out, f), 'utf8')[0]));
      expect(tags.size, `round ${round}: files of two runs side by side`).toBe(1);
    }
    expect(seen, 'the writer must have written something').toBeGreaterThan(10);
    // What killed writers left beside the folder goes at the next check.
    expect(checkReportDir(out)).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 60_000);
});
