/**
 * cli/main.ts, the dispatcher every command goes through: --version / -V, unknown
 * commands (including names inherited from Object.prototype), and a reader that closes
 * the pipe early, which must not end in an EPIPE stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, smoothl1 } from '../cases/cli-helpers.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(() => ensureBuilt());

describe('smoothl1 (dispatcher)', () => {
  it('prints the package version for --version and -V', () => {
    for (const flag of ['--version', '-V']) {
      const r = smoothl1([flag]);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `smoothl1-conformance ${version}\n`, '']);
    }
    expect(smoothl1(['--help']).stdout).toContain('--version');
  });

  it('treats an unknown command, even one named like an Object property, as a usage error', () => {
    for (const name of ['frobnicate', 'toString', 'constructor']) {
      const r = smoothl1([name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^smoothl1: unknown command '${name}'\\n`));
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('stops quietly when the reader closes the pipe (cases list | head)', () => {
    // The JSON listing (over 100 kB) is larger than a pipe's buffer, so the writer is still
    // writing when head has read its 100 bytes and gone: the next write fails with EPIPE.
    const script = `node "${join(ROOT, 'bin', 'smoothl1.js')}" cases list --json 2>"$ERR" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-epipe-'));
    for (let i = 0; i < 3; i++) {
      const errFile = join(dir, `stderr-${i}.txt`);
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ERR: errFile } });
      expect(r.stdout.trim()).toBe('0');
      expect(readFileSync(errFile, 'utf8')).toBe('');
    }
  });
});
