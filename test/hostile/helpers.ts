/**
 * Helpers for the hostile tests: the real `smoothl1` command (bin/smoothl1.js, what npx
 * runs) as a child process with a hard time limit, small corpora built from the fixture
 * cases, and module implementations written on the fly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../cases/cli-helpers.js';

export { ensureBuilt, ROOT };
export const BIN = join(ROOT, 'bin', 'smoothl1.js');
export const NODE = process.execPath;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
  /** True when the test's hard limit killed it. */
  killed: boolean;
}

export interface CliOptions {
  /** Hard limit: the command is killed (and the result says so) after this many ms. Default 30 s. */
  limitMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process is spawned (to send it signals). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `smoothl1 <args>` and collects its output; never hangs the test run. */
export function cli(args: string[], o: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(NODE, [BIN, ...args], { cwd: o.cwd ?? ROOT, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, o.limitMs ?? 30_000);
    // 'exit', not 'close': a leaked grandchild holding the pipes must not hold the test.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      setTimeout(() => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, killed }), 50);
    });
    o.onSpawn?.(child);
  });
}

const made: string[] = [];

/** A fresh temporary folder (removed by removeTempDirs, which each test file runs afterAll). */
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `smoothl1-hostile-${label}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes a module implementation (module runner) with the given source; returns its path. */
export function writeModule(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/** Polls until `check` is true or `ms` pass; returns whether it became true. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** Whether a process id is alive (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
