/**
 * Hostile corpora: the walker stays inside the corpus folder, never opens special files,
 * notices loops and lists what it ignores; case files must be valid UTF-8 without
 * duplicate keys or absurd nesting; ids '.' and '..' are refused; and every stored
 * outcome is re-derived with the oracle, so a case that contradicts the spec is a corpus
 * defect (exit 1, naming the case and the field) rather than a verdict on an
 * implementation. Each is run through the real command with a hard time limit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseJson } from '../../common/types.js';
import { fixtureCases, HEX, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { cli, ensureBuilt, tempDir, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);

const example = (): CaseJson => structuredClone(fixtureCases['doc/example']);

/** A corpus of the documentation example plus whatever `extra` adds. */
function corpus(label: string, extra: (dir: string) => void): string {
  const dir = join(tempDir(label), 'cases');
  writeFixtureCorpus(dir, { 'doc/example': example() });
  extra(dir);
  return dir;
}

async function validate(dir: string) {
  const r = await cli(['cases', 'validate', '--cases', dir], { limitMs: 20_000 });
  expect(r.killed, 'cases validate must not hang').toBe(false);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  return r;
}

describe('the corpus walker', () => {
  it('a symlink loop, a link out of the corpus, a dangling link: named problems, nothing outside is read', async () => {
    const dir = corpus('links', (d) => {
      symlinkSync('..', join(d, 'loop'));
      mkdirSync(join(d, 'sub'));
      symlinkSync('..', join(d, 'sub', 'up'));
      symlinkSync('/etc', join(d, 'etc'));
      symlinkSync(join(d, 'nowhere.json'), join(d, 'dangling.json'));
    });
    // A case file outside the corpus that a link would reach.
    writeFixtureCorpus(join(dir, '..'), { 'outside/secret': example() });
    const r = await validate(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'sub', 'up')}: (document): a symbolic link back to the folder . above it: a loop, not followed`);
    expect(r.stdout).toContain(`${join(dir, 'loop')}: (document): a symbolic link to ${join(dir, '..')}`.replace(/\/cases\/\.\.$/, ''));
    expect(r.stdout).toContain(`${join(dir, 'etc')}: (document): a symbolic link to /etc, outside the corpus folder: not followed`);
    expect(r.stdout).toContain(`${join(dir, 'dangling.json')}: (document): a dangling symbolic link`);
    expect(r.stdout).not.toContain('secret');
  });

  it('a FIFO and a link to /dev/zero are refused without being opened', async () => {
    const dir = corpus('special', (d) => {
      expect(spawnSync('mkfifo', [join(d, 'pipe.json')]).status).toBe(0);
      symlinkSync('/dev/zero', join(d, 'zero.json'));
    });
    const r = await validate(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'pipe.json')}: (document): a FIFO, not a case file: not read`);
    expect(r.stdout).toContain(`${join(dir, 'zero.json')}: (document): a symbolic link to /dev/zero, outside the corpus folder: not followed`);
    expect(r.ms).toBeLessThan(15_000);
  });

  it('lists the files it ignores', async () => {
    const dir = corpus('ignored', (d) => {
      writeFileSync(join(d, 'README.md'), '# notes');
      writeFileSync(join(d, 'doc', 'typo.jsn'), '{}');
    });
    const r = await validate(dir);
    expect(r.stdout).toContain('ignored: README.md (not a .json file)');
    expect(r.stdout).toContain('ignored: doc/typo.jsn (not a .json file)');
    expect(r.stdout).toContain('1 case files valid');
    expect(r.code).toBe(0);
  });
});

describe('case files', () => {
  it('duplicate keys, invalid UTF-8, nesting 10^4 deep and ids "." and ".." are clear errors', async () => {
    const text = JSON.stringify(example(), null, 1);
    const dir = corpus('parse', (d) => {
      writeFileSync(join(d, 'dup.json'), text.replace('"title":', '"title": "first",\n "title":'));
      writeFileSync(join(d, 'utf8.json'), Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(20))]));
      writeFileSync(join(d, 'deep.json'), text.replace('"title":', `"deep": ${'['.repeat(10_000)}${']'.repeat(10_000)},\n "title":`));
      writeFileSync(join(d, '..json'), text);
      writeFileSync(join(d, '...json'), text);
    });
    const r = await validate(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'dup.json')}: /title: duplicate key "title"`);
    expect(r.stdout).toMatch(new RegExp(`${join(dir, 'utf8.json')}: \\(document\\): not valid UTF-8: byte 0xc3 at offset 20`));
    expect(r.stdout).toContain(`${join(dir, 'deep.json')}: /deep/0/0/0`);
    expect(r.stdout).toContain('nested deeper than 64 levels');
    expect(r.stdout).toContain("the case id '.' (its path) has a '.' or '..' segment");
    expect(r.stdout).toContain("the case id '..' (its path) has a '.' or '..' segment");
  });

  it('--cases names the corpus on every command that reads one (--dir stays as an alias)', async () => {
    const dir = corpus('option', () => {});
    const argvs = [['cases', 'list', '--cases', dir], ['cases', 'show', 'doc/example', '--cases', dir], ['cases', 'list', '--dir', dir]];
    const runs = await Promise.all(argvs.map((argv) => cli(argv)));
    for (const [k, argv] of argvs.entries()) {
      const r = runs[k];
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('doc/example');
    }
  });
});

/** Stored outcomes that contradict the spec, each with the field that is wrong. */
function defects(): Record<string, { doc: CaseJson; pointer: string }> {
  const bits = example();
  bits.expected.cpu = { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.one] } };
  const type = structuredClone(fixtureCases['errors/shape-mismatch']);
  type.expected.cpu = { error: 'TypeError', kind: 'shape-mismatch' };
  const kind = structuredClone(fixtureCases['errors/shape-mismatch']);
  kind.expected.gpu = { error: 'ValueError', kind: 'dtype-mismatch' };
  // An extra alternative the spec does not admit: a correct implementation passes through
  // the right one, and a wrong one that raises would pass silently.
  const extra = example();
  extra.expected.cpu = { anyOf: [{ error: 'RuntimeError' }, { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.half] } }] };
  return {
    'defect/bits': { doc: bits, pointer: '/expected/cpu/output/bits/2' },
    'defect/error-type': { doc: type, pointer: '/expected/cpu/error' },
    'defect/kind': { doc: kind, pointer: '/expected/gpu/kind' },
    'defect/extra-alternative': { doc: extra, pointer: '/expected/cpu' },
  };
}

describe('stored outcomes are re-derived with the oracle', () => {
  it('cases validate: each contradiction is named by case and field (exit 1)', async () => {
    const d = defects();
    const dir = corpus('outcomes', (c) => writeFixtureCorpus(c, Object.fromEntries(Object.entries(d).map(([id, v]) => [id, v.doc]))));
    const r = await validate(dir);
    expect(r.code).toBe(1);
    for (const [id, v] of Object.entries(d)) expect(r.stdout).toContain(`${join(dir, id)}.json: ${v.pointer}: case '${id}'`);
    expect(r.stdout).toContain('4 of 5 case files invalid');
  });

  it('run: a corpus defect stops the run before any case, blames no implementation, writes no report (exit 1)', async () => {
    const runs = await Promise.all(
      Object.entries(defects()).map(async ([id, v]) => {
        const dir = corpus('run-defect', (c) => writeFixtureCorpus(c, { [id]: v.doc }));
        const out = join(dir, '..', 'report');
        // run checks the stored outcomes of the profile it runs under.
        const profile = v.pointer.split('/')[2];
        return { id, v, dir, out, r: await cli(['run', '--cases', dir, '--profile', profile, '--report-dir', out], { limitMs: 20_000 }) };
      }),
    );
    for (const { id, v, dir, out, r } of runs) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('corpus defect');
      expect(r.stderr).toContain(`${join(dir, id)}.json: ${v.pointer}: case '${id}'`);
      expect(r.stdout).not.toMatch(/FAIL|PASS/);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});
