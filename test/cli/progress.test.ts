/**
 * The progress display (cli/progress.ts): a redrawn bar only on an interactive terminal;
 * plain lines (each tenth, and at least every interval) on a pipe, under CI (whatever
 * terminal the CI service gives) and with TERM=dumb; nothing with --quiet. The last test
 * runs `smoothl1 run` under a real pseudo-terminal (util-linux `script`), as a CI service
 * would, with and without CI set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactiveTerminal, progressDisplay, underCi, type ProgressStream } from '../../cli/progress.js';
import type { CaseResultJson } from '../../harness/results.js';
import { ensureBuilt, ROOT } from '../cases/cli-helpers.js';

function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = { isTTY, columns: 80, text: '', write: (t: string) => ((s.text += t), true) };
  return s;
}

const result = (id: string, status: CaseResultJson['status'] = 'pass'): CaseResultJson => ({ id, status, reason: '', maxUlpError: null, area: 'a', dtype: 'float32', reduction: 'none' });

function drive(o: Parameters<typeof progressDisplay>[0], n: number, clock?: { t: number; step: number }): void {
  const d = progressDisplay(o);
  for (let i = 1; i <= n; i++) {
    if (clock) clock.t += clock.step;
    d.onResult(result(`x/${i}`, i === 3 ? 'wrong-value' : 'pass'), i, n);
  }
  d.end();
}

describe('CI detection', () => {
  it('CI set to anything but empty, false or 0 means a CI service', () => {
    for (const v of ['true', '1', 'yes', 'woodpecker', 'TRUE']) expect(underCi({ CI: v })).toBe(true);
    for (const v of [undefined, '', 'false', 'False', '0']) expect(underCi(v === undefined ? {} : { CI: v })).toBe(false);
  });

  it('an interactive terminal is a TTY, without CI, with a TERM that is not dumb', () => {
    expect(interactiveTerminal(stream(true), {})).toBe(true);
    expect(interactiveTerminal(stream(true), { CI: 'false', TERM: 'xterm' })).toBe(true);
    expect(interactiveTerminal(stream(false), {})).toBe(false);
    expect(interactiveTerminal(stream(true), { CI: 'true' })).toBe(false);
    expect(interactiveTerminal(stream(true), { TERM: 'dumb' })).toBe(false);
  });
});

describe('progress display', () => {
  it('draws a bar with carriage returns on an interactive terminal and erases it at the end', () => {
    const s = stream(true);
    drive({ quiet: false, stream: s, env: {} }, 20);
    expect(s.text.match(/\r\x1b\[K\[/g)).toHaveLength(20);
    expect(s.text).toContain('20/20 1 unexpected x/20');
    expect(s.text.endsWith('\r\x1b[K')).toBe(true);
    expect(s.text).not.toContain('\n');
  });

  for (const [what, tty, env] of [
    ['a pipe', false, {}],
    ['a pseudo-terminal under CI=true', true, { CI: 'true' }],
    ['a terminal with TERM=dumb', true, { TERM: 'dumb' }],
  ] as const) {
    it(`prints whole lines, one per tenth, on ${what}`, () => {
      const s = stream(tty);
      drive({ quiet: false, stream: s, env }, 40);
      expect(s.text).not.toContain('\r');
      const lines = s.text.trimEnd().split('\n');
      expect(lines).toHaveLength(10);
      expect(lines[0]).toBe('progress: 4/40 cases (10%), 1 unexpected so far');
      expect(lines[9]).toBe('progress: 40/40 cases (100%), 1 unexpected so far');
    });
  }

  it('between tenths, a line at least every interval while cases finish', () => {
    const s = stream(false);
    // 1000 cases, 100 ms each: a tenth takes 10 s, the interval is 3 s.
    const clock = { t: 0, step: 100 };
    drive({ quiet: false, stream: s, env: {}, now: () => clock.t, intervalMs: 3000 }, 1000, clock);
    const lines = s.text.trimEnd().split('\n');
    expect(lines[0]).toBe('progress: 30/1000 cases (3%), 1 unexpected so far');
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(lines.length).toBeLessThanOrEqual(45);
  });

  it('during one long case: a plain line naming it every interval, the bar shows its seconds; nothing once it finished', () => {
    const clock = { t: 0 };
    const s = stream(false);
    const d = progressDisplay({ quiet: false, stream: s, env: {}, now: () => clock.t, intervalMs: 30_000 });
    d.onResult(result('a/1'), 1, 3);
    s.text = '';
    d.onStart('large/1e8', 1, 3);
    for (let sec = 1; sec <= 95; sec++) {
      clock.t += 1000;
      d.tick();
    }
    expect(s.text.trimEnd().split('\n')).toEqual([
      'progress: 1/3 cases done, large/1e8 running for 30 s, 0 unexpected so far',
      'progress: 1/3 cases done, large/1e8 running for 60 s, 0 unexpected so far',
      'progress: 1/3 cases done, large/1e8 running for 90 s, 0 unexpected so far',
    ]);
    d.onResult(result('large/1e8'), 2, 3);
    s.text = '';
    clock.t += 60_000;
    d.tick();
    expect(s.text).toBe('');

    const tty = stream(true);
    const b = progressDisplay({ quiet: false, stream: tty, env: {}, now: () => clock.t });
    b.onStart('large/1e8', 0, 2);
    clock.t += 1000;
    b.tick();
    expect(tty.text).toBe(''); // a case that takes a second is not worth a redraw
    clock.t += 4000;
    b.tick();
    expect(tty.text).toMatch(/\r\x1b\[K\[\.{30}\] 0\/2 large\/1e8 \(5 s\)$/);
    const q = stream(false);
    const quiet = progressDisplay({ quiet: true, stream: q, env: {}, now: () => clock.t, intervalMs: 10 });
    quiet.onStart('x', 0, 1);
    clock.t += 100_000;
    quiet.tick();
    expect(q.text).toBe('');
  });

  it('prints nothing with --quiet, terminal or not', () => {
    for (const tty of [true, false]) {
      const s = stream(tty);
      drive({ quiet: true, stream: s, env: {} }, 30);
      expect(s.text).toBe('');
    }
  });
});

describe('smoothl1 run under a pseudo-terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothl1-pty-'));
  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // `script` gives the command a real pseudo-terminal (stdout and stderr), as CI services do.
  const underPty = (env: NodeJS.ProcessEnv) => {
    const cmd = `node ${JSON.stringify(join(ROOT, 'dist', 'cli', 'main.js'))} run --filter beta --report-dir ${JSON.stringify(join(dir, 'r'))} --formats json`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, input: '' });
    if (r.error) throw new Error(`util-linux 'script' is needed to give the run a pseudo-terminal: ${r.error.message}`);
    return r;
  };

  it('CI=true: plain progress lines, no bar drawn', () => {
    const r = underPty({ CI: 'true', TERM: 'xterm' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\x1b[K');
    // The terminal turns each \n into \r\n; no other carriage return may appear.
    expect(r.stdout.replace(/\r\n/g, '\n')).not.toContain('\r');
    expect(r.stdout).toMatch(/progress: \d+\/\d+ cases \(100%\), 0 unexpected so far/);
    expect(r.stdout).toMatch(/^PASS: /m);
  });

  it('without CI: the bar, erased before the summary', () => {
    const r = underPty({ CI: '', TERM: 'xterm' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\r\x1b[K[');
    expect(r.stdout).not.toContain('progress: ');
  });
});
