/**
 * What `npm pack` puts in the tarball (package.json `files`), read from
 * `npm pack --dry-run --json` on the built tree: the compiled library and CLI with their
 * type declarations, the spec, the whole corpus, the adapters, the docs, README and
 * LICENSE; nothing from the tests, CI, benchmarks or the repository's own records. Every
 * path package.json points at (main, types, exports, bin) must be inside. Whether the
 * tarball installs and works from a fresh project is `npm run test:package`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cases/cli-helpers.js';

interface PackJson {
  name: string;
  files: { path: string; mode: number }[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [relative(ROOT, p).split(sep).join('/')];
  });
}

let packed: Set<string>;

beforeAll(() => {
  ensureBuilt();
  // --ignore-scripts: list what the built tree would give, without prepack's clean rebuild
  // (which would rewrite dist/ under the other tests' feet).
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed (${r.status}): ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as PackJson[];
  expect(info.name).toBe('smoothl1-conformance');
  packed = new Set(info.files.map((f) => f.path));
});

describe('npm pack contents', () => {
  it('holds every path package.json points at', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; bin: Record<string, string>; exports: Record<string, string | Record<string, string>> };
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const e of Object.values(pkg.exports)) targets.push(...(typeof e === 'string' ? [e] : Object.values(e)));
    expect(targets.length).toBeGreaterThan(6);
    for (const t of targets) {
      const path = t.replace(/^\.\//, '');
      if (path.endsWith('*')) expect([...packed].some((p) => p.startsWith(path.slice(0, -1))), t).toBe(true);
      else expect(packed.has(path), t).toBe(true);
    }
  });

  it('ships the compiled library with declarations, the spec, the whole corpus, the adapters, the docs, README and LICENSE', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/smoothl1.js', 'dist/cli/main.js', 'dist/index.d.ts', 'dist/adapters/vitest/conformance.d.ts', 'dist/runners/registry.d.ts', 'dist/harness/conformance.d.ts']) expect(packed.has(f), f).toBe(true);
    // every source module of the library and CLI, compiled and declared
    for (const dir of ['common', 'oracle', 'harness', 'runners', 'reports', 'cli']) {
      for (const src of walk(join(ROOT, dir)).filter((p) => p.endsWith('.ts'))) {
        for (const ext of ['.js', '.d.ts']) expect(packed.has(`dist/${src.replace(/\.ts$/, ext)}`), `${src} -> ${ext}`).toBe(true);
      }
    }
    const wanted = [...walk(join(ROOT, 'spec')), ...walk(join(ROOT, 'docs')), ...walk(join(ROOT, 'adapters')), ...walk(join(ROOT, 'cases')).filter((p) => !p.startsWith('cases/generate/'))];
    expect(wanted.filter((p) => p.startsWith('cases/') && p.endsWith('.json')).length).toBeGreaterThan(300);
    expect(wanted.filter((p) => !packed.has(p))).toEqual([]);
    // the Python exec-protocol server the Python templates import (not the Python package's pack)
    for (const f of ['serve.py', 'protocol.py', 'call.py', 'tensors.py']) expect(packed.has(`python/src/smoothl1_conformance/${f}`), f).toBe(true);
  });

  it('leaves out tests, CI, benchmarks, the generator, source maps and the repository records', () => {
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/smoothl1\.js|dist\/.+\.(js|d\.ts)|spec\/.+|cases\/.+\.json|adapters\/.+|docs\/.+|python\/README\.md|python\/src\/smoothl1_conformance\/[a-z_]+\.py)$/;
    expect([...packed].filter((p) => !allowed.test(p))).toEqual([]);
    const forbidden = /^(test|\.ci|node_modules|expectations|reports\/published|bench|dist\/bench|dist\/cases|dist\/test|cases\/generate)\/|\.map$/;
    expect([...packed].filter((p) => forbidden.test(p))).toEqual([]);
  });

  it('finds spec/ and cases/ from its own location, not from the working directory', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'smoothl1.js'), 'cases', 'list', '--json'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const listed = JSON.parse(r.stdout) as { id: string }[];
    expect(listed.length).toBe(walk(join(ROOT, 'cases')).filter((p) => p.endsWith('.json') && !p.startsWith('cases/generate/')).length);
  });
});
