/**
 * Runs the built CLI (`node dist/cli/main.js`) as a user would. The build is refreshed
 * first when any compiled source is newer than dist/ (others' in-progress type errors do
 * not stop tsc from emitting, so the exit code of tsc is not used; the output files are).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const SOURCE_DIRS = ['common', 'oracle', 'harness', 'search', 'pack', 'runners', 'reports', 'cli', 'cases/generate', 'bench', 'adapters'];

function newestSource(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newestSource(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) t = Math.max(t, s.mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestSource(join(ROOT, d))));
  const outputs = ['cli/main.js', 'cli/commands/cases.js', 'cli/commands/oracle.js', 'cli/commands/pack.js'].map((f) => join(ROOT, 'dist', f));
  if (built >= newest && outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) return;
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  for (const f of outputs) if (!existsSync(f)) throw new Error(`build did not produce ${f}`);
}

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function smoothl1(args: string[], cwd = ROOT): Spawned {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
