/**
 * The exec runner behind the real `smoothl1 run` command: a crash and a hang in a real
 * process become the case statuses 'crash' (with exit code and stderr) and 'timeout' in
 * report.json, and the cases after them are still checked.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/commands/run.js';
import { runCli } from '../cli/run-helpers.js';
import type { ReportJson } from '../../harness/results.js';

const chaos = fileURLToPath(new URL('../fixtures/exec/chaos.mjs', import.meta.url));

describe('smoothl1 run --runner exec', () => {
  // chaos.mjs sends no hello, so a hang on its first case counts from the process start:
  // the start-up allowance is kept short here.
  it('reports crash and timeout per case and checks the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-exec-cli-'));
    const ids = ['dtypes/float16-none', 'dtypes/float32-none', 'dtypes/float64-none', 'dtypes/float64-sum'];
    const { code, stdout } = await runCli(main, ['--runner', 'exec', '--command', `${JSON.stringify(process.execPath)} ${chaos}`, '--profile', 'cpu', '--filter', ids.join(','), '--timeout', '1500', '--startup-timeout', '1000', '--report-dir', dir, '--formats', 'json', '--no-timings', '--quiet']);
    expect(code).toBe(1);
    // The failures are printed for a person (captured here so they do not read as this test run's verdict).
    expect(stdout).toContain('TIMEOUT');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    expect(byId.get('dtypes/float16-none')?.status).toBe('timeout');
    // float32 is answered by a fresh process after the hang was killed: a raised TypeError
    // where an output is expected.
    expect(byId.get('dtypes/float32-none')?.status).toBe('unexpected-error');
    for (const id of ['dtypes/float64-none', 'dtypes/float64-sum']) {
      const r = byId.get(id)!;
      expect(r.status).toBe('crash');
      expect(r.reason).toContain('exited with code 7 before answering');
      expect(r.details?.message).toContain('chaos: giving up on float64');
    }
  }, 30_000);
});
