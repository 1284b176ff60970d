#!/usr/bin/env node
/**
 * `npm run test:package`: the package as a user gets it. Packs the repository (prepack's
 * clean build), installs the tarball into two scratch projects with fresh node_modules
 * from the npm registry, and uses it there the documented ways:
 *
 *   full:    with the optional backends (onnxruntime-node, playwright-core) and vitest and
 *            TypeScript: `npx smoothl1 run` passes the whole corpus; the onnxruntime runner
 *            (and the webgpu runner where Chromium is installed) runs from the consumer's
 *            node_modules; a vitest file using `smoothl1-conformance/vitest` passes, and one
 *            with a broken implementation fails; a TypeScript file using the library API
 *            type-checks under `strict` (declarations included: skipLibCheck off) and runs;
 *            a file misusing the API's types is rejected.
 *   minimal: the tarball alone: the cpu, exec and module runners run; onnxruntime and
 *            webgpu stop with the one-line message naming the install command (exit 2).
 *
 * The installs succeeding are also the check that nothing but npm packages is downloaded:
 * only the registry is reachable here and in CI. The tarball alone brings no install
 * script; the full project installs onnxruntime-node the way the missing-package message
 * says, with its CUDA download (from outside the registry) switched off.
 *
 * Not part of `npm test` (it needs the registry and takes a minute or more); `.ci/run`
 * runs it after `npm test`. SMOOTHL1_REQUIRE_CHROMIUM=1 turns the webgpu skip into a
 * failure, as in the test suite. SMOOTHL1_KEEP_SCRATCH=1 keeps the scratch folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const dev = pkg.devDependencies;
const t0 = Date.now();
const failures = [];
const scratch = mkdtempSync(join(tmpdir(), 'smoothl1-package-'));

function log(line) {
  process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
}

/** Runs a command; returns { code, stdout, stderr }. */
function sh(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function check(ok, what, detail = '') {
  if (ok) log(`ok    ${what}`);
  else {
    log(`FAIL  ${what}${detail ? `\n${detail.trimEnd().split('\n').map((l) => `        ${l}`).join('\n')}` : ''}`);
    failures.push(what);
  }
  return ok;
}

const shown = (r) => `exit ${r.code}\n--- stdout (tail)\n${r.stdout.slice(-3000)}\n--- stderr (tail)\n${r.stderr.slice(-3000)}`;

function project(name, deps, env = {}) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, version: '1.0.0', private: true, type: 'module' }, null, 2));
  const r = sh('npm', ['install', '--no-audit', '--no-fund', ...deps], dir, env);
  if (!check(r.code === 0, `${name}: npm install ${deps.map((d) => d.replace(scratch, '<scratch>')).join(' ')}`, shown(r))) throw new Error(`${name}: install failed`);
  return dir;
}

const smoothl1 = (dir, args) => sh('npx', ['--no-install', 'smoothl1', ...args], dir);

/** The one-line message of a missing optional backend: exit 2, one line, no stack. */
function expectMissing(dir, runner, packageName, command) {
  const r = smoothl1(dir, ['run', '--runner', runner, '--filter', 'doc', '--report-dir', 'out-missing']);
  const lines = r.stderr.trimEnd().split('\n');
  check(
    r.code === 2 && lines.length === 1 && lines[0].endsWith(`needs ${packageName}, an optional peer dependency that is not installed; install it with: ${command}`) && !/\n\s+at /.test(r.stderr),
    `minimal: --runner ${runner} without ${packageName} gives the one-line message and exit 2`,
    shown(r),
  );
  if (r.code === 2) log(`      ${lines[0]}`);
}

function summaryOf(dir, reportDir) {
  return JSON.parse(readFileSync(join(dir, reportDir, 'report.json'), 'utf8')).summary;
}

try {
  // --- the tarball --------------------------------------------------------------------
  const packed = sh('npm', ['pack', '--json', '--pack-destination', scratch], ROOT);
  if (!check(packed.code === 0, 'npm pack (prepack: clean build)', shown(packed))) throw new Error('pack failed');
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
  const tarball = join(scratch, info.filename);
  log(`      ${info.filename}: ${info.files.length} files, ${(info.size / 1024).toFixed(0)} kB packed`);
  const corpusSize = info.files.filter((f) => /^cases\/.+\.json$/.test(f.path)).length;

  // --- minimal: the tarball alone -------------------------------------------------------
  const minimal = project('minimal', [tarball]);
  for (const p of ['onnxruntime-node', 'playwright-core', 'vitest']) check(!existsSync(join(minimal, 'node_modules', p)), `minimal: ${p} is not installed`);
  let r = smoothl1(minimal, ['--version']);
  check(r.code === 0 && r.stdout === `smoothl1-conformance ${pkg.version}\n`, 'minimal: smoothl1 --version', shown(r));
  r = smoothl1(minimal, ['run', '--filter', 'doc,reductions', '--report-dir', 'out-cpu', '--quiet']);
  check(r.code === 0 && summaryOf(minimal, 'out-cpu').failed === 0, 'minimal: cpu runner passes (doc, reductions)', shown(r));
  r = smoothl1(minimal, ['run', '--runner', 'module', '--module', 'node_modules/smoothl1-conformance/adapters/node/template.mjs', '--filter', 'doc,reductions', '--report-dir', 'out-module', '--quiet']);
  check(r.code === 0 && summaryOf(minimal, 'out-module').passed > 0, 'minimal: module runner with the packaged node template', shown(r));
  const python = '/usr/bin/python3';
  if (existsSync(python) && sh(python, ['-c', 'import numpy'], minimal).code === 0) {
    r = smoothl1(minimal, ['run', '--runner', 'exec', '--command', `${python} node_modules/smoothl1-conformance/adapters/python/template.py`, '--filter', 'doc,reductions', '--report-dir', 'out-exec', '--quiet']);
    check(r.code === 0 && summaryOf(minimal, 'out-exec').passed > 0, 'minimal: exec runner with the packaged numpy template', shown(r));
  } else {
    log('!!!!!!!! SKIPPING the exec runner check: /usr/bin/python3 cannot import numpy (apt-get install -y python3-numpy) !!!!!!!!');
  }
  r = smoothl1(minimal, ['run', '--filter', 'doc', '--report-dir', 'out-github', '--reporter', 'github', '--quiet']);
  check(r.code === 0 && /^::stop-commands::\S+$/m.test(r.stdout) && /^::notice title=SmoothL1Loss conformance::PASS: 1 cases/m.test(r.stdout), 'minimal: --reporter github prints the annotations', shown(r));
  r = smoothl1(minimal, ['run', '--runner', 'module', '--module', 'no-such-module.mjs', '--report-dir', 'out-x']);
  const noProgram = smoothl1(minimal, ['run', '--runner', 'exec', '--command', './no-such-program', '--report-dir', 'out-x']);
  check(r.code === 2 && noProgram.code === 2 && !r.stderr.includes('\n    at ') && !noProgram.stderr.includes('\n    at '), 'minimal: a missing --module file and a missing --command program are both exit 2 (setup), one line each', `${shown(r)}\n${shown(noProgram)}`);
  expectMissing(minimal, 'onnxruntime', 'onnxruntime-node', 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
  expectMissing(minimal, 'webgpu', 'playwright-core', 'npm install playwright-core');
  r = sh(process.execPath, ['--input-type=module', '-e', "const m = await import('smoothl1-conformance'); const r = await m.checkConformance(await m.createRunner('cpu'), { filters: ['doc'] }); console.log(r.summary.passed, r.summary.failed);"], minimal);
  check(r.code === 0 && r.stdout.trim() === '1 0', 'minimal: the library API without vitest or the backends (checkConformance on the cpu runner)', shown(r));

  // --- full: backends, vitest, TypeScript ------------------------------------------------
  const full = project('full', [tarball, `onnxruntime-node@${dev['onnxruntime-node']}`, `playwright-core@${dev['playwright-core']}`, `vitest@${dev.vitest}`, `typescript@${dev.typescript}`, `@types/node@${dev['@types/node']}`], {
    // as the missing-package message says (onnxruntime-node's install script would fetch a CUDA provider from outside the registry)
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  });
  r = smoothl1(full, ['run', '--report-dir', 'out-all']);
  const all = r.code === 0 ? summaryOf(full, 'out-all') : undefined;
  check(r.code === 0 && all.total === corpusSize && all.failed === 0 && all.unexpectedPasses === 0, `full: npx smoothl1 run passes the whole corpus (${corpusSize} cases)`, shown(r));
  check(['report.json', 'junit.xml', 'report.md', 'report.html'].every((f) => existsSync(join(full, 'out-all', f))), 'full: every report format written');
  r = smoothl1(full, ['run', '--runner', 'onnxruntime', '--filter', 'doc,reductions,dtypes', '--report-dir', 'out-ort', '--quiet']);
  check(r.code === 0 && summaryOf(full, 'out-ort').failed === 0, "full: onnxruntime runner loads the consumer's onnxruntime-node", shown(r));
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (chromium) {
    r = smoothl1(full, ['run', '--runner', 'webgpu', '--filter', 'doc,reductions', '--report-dir', 'out-webgpu', '--quiet']);
    check(r.code === 0 && summaryOf(full, 'out-webgpu').passed > 0, "full: webgpu runner drives Chromium through the consumer's playwright-core", shown(r));
  } else if (process.env.SMOOTHL1_REQUIRE_CHROMIUM === '1') {
    check(false, 'full: webgpu runner (SMOOTHL1_REQUIRE_CHROMIUM=1 but no Chromium found)');
  } else {
    log('!!!!!!!! SKIPPING the webgpu runner check: no Chromium (apt-get install -y chromium) !!!!!!!!');
  }

  // vitest: the integration, as its doc comment shows it
  mkdirSync(join(full, 'test'));
  writeFileSync(
    join(full, 'test', 'conformance.test.ts'),
    `import { defineConformanceSuite } from 'smoothl1-conformance/vitest';
import { smoothL1Loss } from 'smoothl1-conformance/adapters/node/template.mjs';
defineConformanceSuite(smoothL1Loss, { profile: 'cpu', tolerance: 'standard', filter: 'doc,reductions,beta/half-*' });
`,
  );
  r = sh('npx', ['--no-install', 'vitest', 'run', 'test/conformance.test.ts'], full);
  const passedTests = /Tests\s+(\d+) passed/.exec(r.stdout.replace(/\x1b\[[0-9;]*m/g, ''));
  check(r.code === 0 && passedTests !== null && Number(passedTests[1]) > 5, `full: vitest file using smoothl1-conformance/vitest passes (${passedTests ? passedTests[1] : '?'} tests)`, shown(r));
  writeFileSync(
    join(full, 'test', 'broken.test.ts'),
    `import { defineConformanceSuite } from 'smoothl1-conformance/vitest';
import { smoothL1Loss } from 'smoothl1-conformance/adapters/node/template.mjs';
// the documentation's example answered with the linear branch's 0.5 * beta forgotten
defineConformanceSuite((args, ctx) => (ctx.caseId === 'doc/example' ? { dtype: 'float32', shape: [3], data: Float32Array.of(0, 0, 1) } : smoothL1Loss(args, ctx)), { filter: 'doc' });
`,
  );
  r = sh('npx', ['--no-install', 'vitest', 'run', 'test/broken.test.ts'], full);
  check(r.code !== 0 && /doc\/example: wrong-value/.test(r.stdout + r.stderr), 'full: the same integration fails a broken implementation (doc/example: wrong-value)', shown(r));

  // TypeScript: the library API under strict, declarations checked too
  const tsconfig = (files) => ({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: ['node'], skipLibCheck: false, outDir: 'build' }, files });
  writeFileSync(
    join(full, 'api.ts'),
    `import {
  acceptance, checkConformance, checkValues, computeReference, createRunner, expectOutcome, filterCases, loadCorpus, materialize, runnerFromFunction,
  type CallArgs, type LoadedCase, type ReportJson, type Runner, type RunContext, type RunnerResult,
} from 'smoothl1-conformance';
import { defineConformanceSuite, type ConformanceSuiteOptions } from 'smoothl1-conformance/vitest';

const corpus: LoadedCase[] = loadCorpus();
const doc: LoadedCase[] = filterCases(corpus, 'doc');
const args: CallArgs = materialize(doc[0]);
const outcome = expectOutcome(args, 'cpu');
const reference = computeReference(args, 'float32');
const interval = acceptance(reference, 'standard');
const cpu: Runner = await createRunner('cpu');
const report: ReportJson = await checkConformance(cpu, { filters: ['doc,reductions'], timings: false });
const nothing = runnerFromFunction((_a: CallArgs, _ctx: RunContext): RunnerResult => ({ kind: 'error', errorType: 'RuntimeError', message: 'not implemented' }), { name: 'nothing' });
const bad: ReportJson = await checkConformance(nothing, { filters: ['doc'] });
const suiteOptions: ConformanceSuiteOptions = { profile: 'cpu', filter: 'doc' };
void defineConformanceSuite; void checkValues; void suiteOptions;
console.log(JSON.stringify({ corpus: corpus.length, passed: report.summary.passed, failed: report.summary.failed, badFailed: bad.summary.failed, outcome: Object.keys(outcome).sort(), elements: interval.expected.length }));
`,
  );
  writeFileSync(join(full, 'tsconfig.json'), JSON.stringify(tsconfig(['api.ts']), null, 2));
  r = sh('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], full);
  if (check(r.code === 0, 'full: a TypeScript file using the library API type-checks under strict (skipLibCheck off)', shown(r))) {
    r = sh(process.execPath, [join('build', 'api.js')], full);
    let out;
    try {
      out = JSON.parse(r.stdout);
    } catch {
      out = undefined;
    }
    check(r.code === 0 && out && out.corpus === corpusSize && out.passed > 0 && out.failed === 0 && out.badFailed === 1 && out.elements === 3, 'full: and runs (corpus, oracle, checkConformance on a good and a broken runner)', shown(r));
  }
  writeFileSync(join(full, 'misuse.ts'), `import { checkConformance, createRunner } from 'smoothl1-conformance';\nconst r = await checkConformance(await createRunner('cpu'), { profile: 'tpu' });\nconst passed: string = r.summary.passed;\nvoid passed;\n`);
  writeFileSync(join(full, 'tsconfig.misuse.json'), JSON.stringify(tsconfig(['misuse.ts']), null, 2));
  r = sh('npx', ['--no-install', 'tsc', '-p', 'tsconfig.misuse.json', '--noEmit'], full);
  check(r.code !== 0 && /misuse\.ts\(2,.*'"tpu"'/.test(r.stdout) && /misuse\.ts\(3,.*TS2322/.test(r.stdout), 'full: the declarations are real types (a wrong profile and a wrong field type are rejected)', shown(r));
} catch (e) {
  failures.push(`aborted: ${e instanceof Error ? e.message : String(e)}`);
  log(`ABORTED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
} finally {
  if (process.env.SMOOTHL1_KEEP_SCRATCH === '1') log(`scratch projects kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

const seconds = ((Date.now() - t0) / 1000).toFixed(0);
if (failures.length > 0) {
  log(`test:package FAILED (${failures.length}) in ${seconds} s:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  log(`test:package passed in ${seconds} s (npm ${sh('npm', ['--version'], ROOT).stdout.trim()}, node ${process.version})`);
}
