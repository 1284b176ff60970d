/**
 * A fresh virtual environment with the Python package installed the way README.md tells
 * a user to, offline: `/usr/bin/python3 -m venv --system-site-packages` (Debian's numpy,
 * torch, pytest, setuptools and wheel stay visible) and `pip install --no-build-isolation
 * --no-index` of a copy of python/ (pip builds in the source folder; the copy keeps the
 * checkout clean). Plus running pytest in it and reading its JUnit XML.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Venv {
  dir: string;
  python: string;
  remove(): void;
}

/** Creates the venv, or returns why it cannot (missing python3-venv, setuptools, wheel, pytest, numpy). */
export function createVenv(root: string): Venv | { error: string } {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import pytest, numpy, setuptools, wheel'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: `/usr/bin/python3 lacks pytest, numpy, setuptools or wheel (apt-get install -y python3-pytest python3-numpy python3-setuptools python3-wheel python3-venv): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}` };
  const dir = mkdtempSync(join(tmpdir(), 'smoothl1-venv-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const made = spawnSync('/usr/bin/python3', ['-m', 'venv', '--system-site-packages', join(dir, 'venv')], { encoding: 'utf8' });
  if (made.status !== 0) {
    remove();
    return { error: `/usr/bin/python3 -m venv failed (apt-get install -y python3-venv): ${(made.stdout + made.stderr).trim().split('\n').slice(-2).join(' ')}` };
  }
  const src = join(dir, 'src');
  cpSync(join(root, 'python'), src, { recursive: true, filter: (p) => !/[\\/](build|__pycache__|[^\\/]+\.egg-info)$/.test(p) });
  const python = join(dir, 'venv', 'bin', 'python');
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--no-build-isolation', '--no-index', src], { encoding: 'utf8', env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  if (pip.status !== 0) {
    remove();
    // not a missing prerequisite: the package does not install
    throw new Error(`pip install --no-build-isolation --no-index ./python failed:\n${pip.stdout}\n${pip.stderr}`);
  }
  return { dir, python, remove };
}

export interface PytestRun {
  code: number | null;
  stdout: string;
  stderr: string;
  cases: Map<string, JunitCase>;
}

export interface JunitCase {
  name: string;
  classname: string;
  /** pytest's outcome: passed, failed, xfailed, skipped, error. */
  outcome: 'passed' | 'failed' | 'xfailed' | 'skipped' | 'error';
  props: Record<string, string>;
  /** The failure or skip message. */
  message: string;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Testcases of a pytest JUnit XML file (only what these tests need; no XML library). */
export function parseJunit(xml: string): Map<string, JunitCase> {
  const out = new Map<string, JunitCase>();
  const re = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = unescape(a[2]);
    const body = m[2] ?? '';
    const props: Record<string, string> = {};
    for (const p of body.matchAll(/<property name="([^"]*)" value="([^"]*)"\s*\/>/g)) props[unescape(p[1])] = unescape(p[2]);
    const msg = /<(failure|skipped|error)\b[^>]*?message="([^"]*)"/.exec(body);
    let outcome: JunitCase['outcome'] = 'passed';
    if (/<failure\b/.test(body)) outcome = 'failed';
    else if (/<error\b/.test(body)) outcome = 'error';
    else if (/<skipped\b[^>]*type="pytest\.xfail"/.test(body)) outcome = 'xfailed';
    else if (/<skipped\b/.test(body)) outcome = 'skipped';
    out.set(attrs.name, { name: attrs.name, classname: attrs.classname, outcome, props, message: msg ? unescape(msg[2]) : '' });
  }
  return out;
}

/** Runs `python -m pytest` in a fresh folder (no cache, no rootdir conftest) with a JUnit XML report. */
export function runPytest(venv: Venv, args: string[], env: NodeJS.ProcessEnv = {}): PytestRun {
  const cwd = mkdtempSync(join(venv.dir, 'run-'));
  const xml = join(cwd, 'junit.xml');
  const r = spawnSync(venv.python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--junitxml', xml, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  let cases = new Map<string, JunitCase>();
  try {
    cases = parseJunit(readFileSync(xml, 'utf8'));
  } catch {
    // no report (a usage error): cases stay empty
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cases };
}
