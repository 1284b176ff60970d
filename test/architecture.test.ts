/**
 * The import rules of ARCHITECTURE.md, checked on the source tree:
 * - a kernel under runners/ (everything but runners/registry.ts, which only dispatches by
 *   name) never imports oracle/ or harness/: an implementation must not see the answer;
 * - oracle/ never imports runners/ or harness/;
 * - common/ imports nothing of ours outside common/;
 * - harness/ does not import runners/ (the Runner type is in common/types.ts), reports/ or cli/;
 * - reports/ imports only common/ and the result types module harness/results.ts;
 * - pack/ (the conformance pack writer) imports common/, oracle/ and harness/, never runners/ or reports/;
 * - search/ (fuzz and sweep engines, the operator's input space) imports common/, oracle/ and
 *   harness/, never runners/ (a search gets its Runner from the caller) or reports/;
 * - no library layer imports cli/ or bench/ (they sit on top).
 * Imports are read with TypeScript's own pre-processor (static, re-exports, side-effect
 * and literal dynamic imports), so comments and strings cannot fool the scan.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Edge {
  /** Importing file, relative to the repo root with '/' separators. */
  from: string;
  specifier: string;
  /** The imported path relative to the root (for relative specifiers), else undefined. */
  to: string | undefined;
}

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(abs, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(join(dir, e)));
    else if (/\.(ts|mts|js|mjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(join(dir, e));
  }
  return out;
}

const posix = (p: string) => p.split(sep).join('/');

function importsOf(file: string, text: string): Edge[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName: specifier }) => ({
    from: posix(file),
    specifier,
    to: specifier.startsWith('.') ? posix(relative(root, resolve(root, dirname(file), specifier))) : undefined,
  }));
}

const under = (path: string | undefined, folder: string) => path !== undefined && (path === folder || path.startsWith(folder + '/'));

/** The rules: for an import edge, the reason it is forbidden, or undefined. */
function violation(e: Edge): string | undefined {
  if (under(e.from, 'runners') && e.from !== 'runners/registry.ts') {
    for (const f of ['oracle', 'harness']) if (under(e.to, f)) return `a runner must not import ${f}/`;
  }
  if (under(e.from, 'oracle')) {
    for (const f of ['runners', 'harness']) if (under(e.to, f)) return `oracle/ must not import ${f}/`;
  }
  if (under(e.from, 'common') && e.to !== undefined && !under(e.to, 'common')) return 'common/ must import only common/';
  if (under(e.from, 'harness')) {
    for (const f of ['runners', 'reports', 'cli']) if (under(e.to, f)) return `harness/ must not import ${f}/`;
  }
  if (under(e.from, 'pack')) {
    for (const f of ['runners', 'reports']) if (under(e.to, f)) return `pack/ must not import ${f}/`;
  }
  if (under(e.from, 'search')) {
    for (const f of ['runners', 'reports']) if (under(e.to, f)) return `search/ must not import ${f}/`;
  }
  if (under(e.to, 'search') && ['common', 'oracle', 'harness', 'pack', 'runners', 'reports'].some((f) => under(e.from, f))) return `${e.from.split('/')[0]}/ must not import search/ (it sits above the harness)`;
  if (under(e.from, 'reports') && e.to !== undefined && !under(e.to, 'reports') && !under(e.to, 'common') && e.to !== 'harness/results.js') {
    return 'reports/ must import only common/ and harness/results';
  }
  if (['common', 'oracle', 'harness', 'pack', 'runners', 'reports', 'search'].some((f) => under(e.from, f))) {
    for (const f of ['cli', 'bench']) if (under(e.to, f)) return `a library layer must not import ${f}/`;
  }
  return undefined;
}

function scan(folders: string[]): Edge[] {
  return folders.flatMap((d) => sourceFiles(d).map((f) => importsOf(f, readFileSync(join(root, f), 'utf8'))).flat());
}

describe('architecture: import rules', () => {
  it('the rule checker catches each kind of forbidden import (including dynamic and re-exports)', () => {
    const fake = (file: string, text: string) => importsOf(file, text).map(violation);
    expect(fake('runners/cpu/index.ts', "import { expectOutcome } from '../../oracle/index.js';")).toEqual(['a runner must not import oracle/']);
    expect(fake('runners/x.ts', "const m = await import('../harness/check.js');")).toEqual(['a runner must not import harness/']);
    expect(fake('oracle/a.ts', "export { x } from '../runners/cpu/index.js';")).toEqual(['oracle/ must not import runners/']);
    expect(fake('common/a.ts', "import '../oracle/index.js';")).toEqual(['common/ must import only common/']);
    // allowed: a kernel importing common/ and validation, the registry dispatching, comments
    expect(fake('runners/cpu/a.ts', "import { x } from '../validation.js';\nimport type { T } from '../../common/types.js';\n// import '../../oracle/index.js'")).toEqual([undefined, undefined]);
    expect(fake('runners/registry.ts', "import '../harness/run.js';")).toEqual([undefined]);
    expect(fake('common/a.ts', "import { readFileSync } from 'node:fs'; import './b.js';")).toEqual([undefined, undefined]);
    expect(fake('harness/run.ts', "import { createRunner } from '../runners/registry.js';")).toEqual(['harness/ must not import runners/']);
    expect(fake('reports/x.ts', "import type { ReportJson } from '../harness/results.js';\nimport { runCases } from '../harness/run.js';")).toEqual([undefined, 'reports/ must import only common/ and harness/results']);
    expect(fake('runners/registry.ts', "import { UsageError } from '../cli/usage.js';")).toEqual(['a library layer must not import cli/']);
    expect(fake('pack/build.ts', "import '../oracle/index.js'; import '../harness/run.js'; import '../runners/exec/wire.js'; import '../cli/usage.js';")).toEqual([undefined, undefined, 'pack/ must not import runners/', 'a library layer must not import cli/']);
    expect(fake('cli/commands/run.ts', "import '../../harness/run.js'; import '../../runners/registry.js'; import '../../reports/index.js';")).toEqual([undefined, undefined, undefined]);
    expect(fake('search/fuzz.ts', "import '../harness/case-step.js'; import '../oracle/index.js'; import '../runners/registry.js'; import '../reports/index.js'; import '../cli/usage.js';")).toEqual([undefined, undefined, 'search/ must not import runners/', 'search/ must not import reports/', 'a library layer must not import cli/']);
    expect(fake('harness/run.ts', "import '../search/fuzz.js';")).toEqual(['harness/ must not import search/ (it sits above the harness)']);
    expect(fake('cli/commands/fuzz.ts', "import '../../search/fuzz.js';")).toEqual([undefined]);
  });

  it('the source tree follows the rules', () => {
    const edges = scan(['common', 'oracle', 'harness', 'search', 'pack', 'runners', 'reports', 'cli', 'bench', 'cases/generate', 'adapters']);
    // the scan must actually see imports, or this test would pass on an empty tree
    expect(edges.some((e) => under(e.from, 'runners') && under(e.to, 'common'))).toBe(true);
    expect(edges.some((e) => under(e.from, 'common'))).toBe(true);
    expect(edges.some((e) => under(e.from, 'pack') && under(e.to, 'oracle'))).toBe(true);
    expect(edges.some((e) => under(e.from, 'search') && under(e.to, 'harness'))).toBe(true);
    const bad = edges.flatMap((e) => {
      const why = violation(e);
      return why === undefined ? [] : [`${e.from}: import '${e.specifier}': ${why}`];
    });
    expect(bad).toEqual([]);
  });
});
