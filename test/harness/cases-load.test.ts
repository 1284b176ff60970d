/**
 * Case loading and validation: valid cases load with their path as id; every kind of
 * malformed case is reported with the file, the JSON pointer and what was expected.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseError } from '../../harness/cases/errors.js';
import { checkCorpus, loadCaseFile, loadCorpus } from '../../harness/cases/load.js';
import { caseProblems } from '../../harness/cases/validate.js';
import { dtypesSpec, profilesSpec, profileNames } from '../../common/spec-data.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function good(): any {
  return {
    title: 'doc example',
    tags: ['doc-example', 'dtype:float32'],
    profiles: ['cpu', 'gpu', 'ascend'],
    inputs: {
      logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [3], bits: ['3f800000', '40000000', '40400000'] } },
      labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [3], bits: ['3f800000', '40000000', '40000000'], decimal: ['1', '2', '2'] } },
    },
    expected: Object.fromEntries(['cpu', 'gpu', 'ascend'].map((p) => [p, { output: { dtype: 'float32', shape: [3], bits: ['00000000', '00000000', '3f000000'] } }])),
  };
}

function problemsOf(mutate: (c: any) => void): { pointer: string; message: string }[] {
  const c = good();
  mutate(c);
  return caseProblems('x.json', c).map(({ pointer, message }) => ({ pointer, message }));
}

describe('case validation', () => {
  it('accepts a well-formed case', () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  const bad: [string, (c: any) => void, string, RegExp][] = [
    ['hex width for float16', (c) => { c.inputs.logits.tensor.dtype = 'float16'; }, '/inputs/logits/tensor/bits/0', /\{4\}/],
    ['upper-case hex', (c) => { c.inputs.labels.tensor.bits[0] = '3F800000'; }, '/inputs/labels/tensor/bits/0', /matching/],
    ['unknown dtype', (c) => { c.inputs.logits.tensor.dtype = 'float8'; }, '/inputs/logits/tensor/dtype', /expected one of .*"float16"/],
    ['missing title', (c) => { delete c.title; }, '', /missing required property 'title'/],
    ['unknown property', (c) => { c.extra = 1; }, '', /unexpected property 'extra'/],
    ['negative shape entry', (c) => { c.inputs.logits.tensor.shape = [-3]; }, '/inputs/logits/tensor/shape/0', /minimum|>= 0/],
    ['fractional shape entry', (c) => { c.inputs.logits.tensor.shape = [1.5]; }, '/inputs/logits/tensor/shape/0', /integer/],
    ['bits count != numel', (c) => { c.inputs.logits.tensor.shape = [2, 2]; }, '/inputs/logits/tensor/bits', /expected 4 bit patterns/],
    ['decimal count != bits count', (c) => { c.inputs.labels.tensor.decimal = ['1']; }, '/inputs/labels/tensor/decimal', /expected 3 decimals/],
    ['unregistered tag', (c) => { c.tags.push('colour:blue'); }, '/tags/2', /not registered in spec\/tags.json/],
    ['expected profile missing', (c) => { delete c.expected.gpu; }, '/expected', /listed profile 'gpu'/],
    ['expected profile not listed', (c) => { c.profiles = ['cpu', 'ascend']; }, '/expected/gpu', /not in 'profiles'/],
    ['unknown profile', (c) => { c.profiles.push('tpu'); }, '/profiles/3', /expected one of/],
    ['both bits and generate', (c) => { c.inputs.logits.tensor.generate = { prng: 'xoshiro128**', seed: 1, distribution: 'bits' }; }, '/inputs/logits/tensor', /exactly one of 'bits', 'generate'/],
    ['generator for an int dtype', (c) => { c.inputs.logits.tensor = { dtype: 'int32', shape: [3], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'bits' } }; }, '/inputs/logits/tensor/generate', /float dtypes only/],
    ['uniform with a > b', (c) => { c.inputs.logits.tensor = { dtype: 'float32', shape: [3], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'uniform', a: 2, b: 1 } }; }, '/inputs/logits/tensor/generate', /a < b/],
    ['uniform without bounds', (c) => { c.inputs.logits.tensor = { dtype: 'float32', shape: [3], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'uniform' } }; }, '/inputs/logits/tensor/generate', /missing required property 'a'/],
    ['bad float string', (c) => { c.inputs.beta = { type: 'float', value: 'NaN' }; }, '/inputs/beta/value', /matching/],
    ['bad int string', (c) => { c.inputs.beta = { type: 'int', value: '1.0' }; }, '/inputs/beta/value', /matching/],
    ['bad value type', (c) => { c.inputs.reduction = { type: 'enum', value: 'x' }; }, '/inputs/reduction/type', /expected one of/],
    ['bool bits not 00/01', (c) => { c.inputs.logits.tensor = { dtype: 'bool', shape: [3], bits: ['00', '01', '02'] }; }, '/inputs/logits/tensor/bits/2', /"00", "01"/],
    ['output bits count', (c) => { c.expected.cpu.output.bits.pop(); }, '/expected/cpu/output/bits', /expected 3 bit patterns/],
    ['stored case without expected bits', (c) => { delete c.expected.cpu.output.bits; }, '/expected/cpu/output', /expected 'bits'/],
    ['error kind unknown', (c) => { c.expected.cpu = { error: 'ValueError', kind: 'bad-shape' }; }, '/expected/cpu/kind', /expected one of/],
    ['outcome with two alternatives', (c) => { c.expected.cpu.error = 'ValueError'; }, '/expected/cpu', /exactly one of 'output', 'error', 'anyOf'/],
    ['kind without error', (c) => { c.expected.cpu.kind = 'shape-mismatch'; }, '/expected/cpu', /needs 'error'/],
    ['a shape past 2^53 elements', (c) => { c.inputs.logits.tensor = { dtype: 'float32', shape: [2 ** 30, 2 ** 30, 2 ** 30], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'bits' } }; }, '/inputs/logits/tensor/shape', /has Infinity elements; a tensor may have at most 2\^30/],
  ];
  for (const [name, mutate, pointer, message] of bad) {
    it(`reports ${name} at ${pointer || '(document)'}`, () => {
      const ps = problemsOf(mutate);
      expect(ps.length).toBeGreaterThan(0);
      const hit = ps.find((p) => p.pointer === pointer && message.test(p.message));
      expect(hit, JSON.stringify(ps, null, 1)).toBeDefined();
    });
  }

  it('allows generated inputs to leave expected values to the oracle', () => {
    expect(problemsOf((c) => {
      c.inputs.logits.tensor = { dtype: 'float32', shape: [3], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'uniform', a: -1, b: 1 } };
      for (const p of c.profiles) delete c.expected[p].output.bits;
    })).toEqual([]);
  });

  it("the schema's enums agree with spec/dtypes.json and spec/profiles.json", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../spec/case.schema.json'), 'utf8'));
    const ds = dtypesSpec();
    expect(new Set(schema.$defs.floatDType.enum)).toEqual(new Set(Object.keys(ds.float)));
    expect(new Set(schema.$defs.dtype.enum)).toEqual(new Set([...Object.keys(ds.float), ...Object.keys(ds.other)]));
    expect(new Set(schema.$defs.profile.enum)).toEqual(new Set(profileNames()));
    expect(new Set(schema.$defs.outcome.properties.kind.enum)).toEqual(new Set(Object.keys(profilesSpec().errors)));
    const types = new Set(Object.values(profilesSpec().errors).map((e) => e.type));
    for (const t of types) expect(schema.$defs.outcome.properties.error.enum).toContain(t);
    // hex width per dtype: bits/4 digits for every dtype
    const widths: Record<string, number> = {};
    for (const [d, info] of [...Object.entries(ds.float), ...Object.entries(ds.other)]) widths[d] = info.bits / 4;
    for (const [d, w] of Object.entries(widths)) {
      const c = good();
      c.inputs.logits.tensor = { dtype: d, shape: [1], bits: [d === 'bool' ? '01' : '1'.padStart(w, '0')] };
      expect(caseProblems('w.json', c).filter((p) => p.pointer.startsWith('/inputs/logits')), d).toEqual([]);
      c.inputs.logits.tensor.bits = ['1'.padStart(w + 2, '0')];
      expect(caseProblems('w.json', c).some((p) => p.pointer === '/inputs/logits/tensor/bits/0'), d).toBe(true);
    }
  });
});

describe('loading a corpus folder', () => {
  it('loads cases with their path below the folder as id, sorted', () => {
    const d = join(dir, 'ok');
    mkdirSync(join(d, 'b', 'deep'), { recursive: true });
    mkdirSync(join(d, 'generate'), { recursive: true });
    writeFileSync(join(d, 'b', 'deep', 'one.json'), JSON.stringify(good()));
    writeFileSync(join(d, 'a.json'), JSON.stringify(good()));
    writeFileSync(join(d, 'generate', 'ignored.json'), '{not json');
    const cases = loadCorpus(d);
    expect(cases.map((c) => c.id)).toEqual(['a', 'b/deep/one']);
    expect(cases[1].file).toBe(join(d, 'b', 'deep', 'one.json'));
    expect(loadCaseFile(join(d, 'a.json'), d).id).toBe('a');
  });

  it('throws one CaseError listing every problem of every file, each with file and pointer', () => {
    const d = join(dir, 'bad');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'syntax.json'), '{"title": ');
    const c = good();
    c.tags.push('nope');
    c.inputs.logits.tensor.shape = [4];
    writeFileSync(join(d, 'semantic.json'), JSON.stringify(c));
    writeFileSync(join(d, 'fine.json'), JSON.stringify(good()));
    let err: unknown;
    try {
      loadCorpus(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaseError);
    const ce = err as CaseError;
    expect(ce.problems.map((p) => [p.file, p.pointer])).toEqual([
      [join(d, 'semantic.json'), '/tags/2'],
      [join(d, 'semantic.json'), '/inputs/logits/tensor/bits'],
      [join(d, 'syntax.json'), ''],
    ]);
    expect(ce.message).toContain(`${join(d, 'syntax.json')}: (document): not valid JSON`);
    expect(ce.message).toContain(`${join(d, 'semantic.json')}: /inputs/logits/tensor/bits: expected 4 bit patterns`);
    const checks = checkCorpus(d);
    expect(checks.map((x) => [x.id, x.problems.length > 0])).toEqual([['fine', false], ['semantic', true], ['syntax', true]]);
  });

  it('rejects ids with characters outside the allowed set', () => {
    const d = join(dir, 'ids');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'has space.json'), JSON.stringify(good()));
    expect(() => loadCorpus(d)).toThrow(/may use only letters/);
  });
});
