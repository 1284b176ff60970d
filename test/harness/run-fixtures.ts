/**
 * Small hand-written cases for the engine and orchestration tests. Their expected
 * outcomes come from the operator documentation (its own example: logits [1, 2, 3],
 * labels [1, 2, 2] -> [0, 0, 0.5]) and from spec/profiles.json's error table, never from
 * the code under test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CaseJson, LoadedCase, OutcomeJson, ProfileName, Tensor } from '../../common/types.js';

const ALL: ProfileName[] = ['cpu', 'gpu', 'ascend'];

function f32(values: number[], shape: number[] = [values.length]): Tensor {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}
export { f32 };

/** float32 bit patterns of small exact values, hand-written (IEEE binary32). */
export const HEX = { zero: '00000000', half: '3f000000', one: '3f800000', two: '40000000', three: '40400000', sixth: '3e2aaaab', threeQuarters: '3f400000' };

const docInputs = (reduction?: string): CaseJson['inputs'] => ({
  logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [3], bits: [HEX.one, HEX.two, HEX.three] } },
  labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [3], bits: [HEX.one, HEX.two, HEX.two] } },
  ...(reduction ? { reduction: { type: 'str', value: reduction } } : {}),
});

const every = (o: OutcomeJson, profiles: ProfileName[] = ALL) => Object.fromEntries(profiles.map((p) => [p, o]));

export const fixtureCases: Record<string, CaseJson> = {
  // The documentation's example.
  'doc/example': {
    title: 'documentation example',
    tags: ['area:doc', 'dtype:float32', 'reduction:default', 'beta:default'],
    profiles: ALL,
    inputs: docInputs(),
    expected: every({ output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.half] } }),
  },
  'reductions/sum': {
    title: 'sum of the documentation example: 0.5',
    tags: ['area:reductions', 'dtype:float32', 'reduction:sum'],
    profiles: ALL,
    inputs: docInputs('sum'),
    expected: every({ output: { dtype: 'float32', shape: [], bits: [HEX.half] } }),
  },
  'reductions/mean': {
    title: 'mean of the documentation example: 0.5 / 3 = 1/6, as float32 0x3e2aaaab',
    tags: ['area:reductions', 'dtype:float32', 'reduction:mean'],
    profiles: ALL,
    inputs: docInputs('mean'),
    expected: every({ output: { dtype: 'float32', shape: [], bits: [HEX.sixth] } }),
  },
  'errors/shape-mismatch': {
    title: 'shapes [2] and [3]: ValueError (spec/profiles.json shape-mismatch)',
    tags: ['area:errors', 'error:shape-mismatch', 'dtype:float32'],
    profiles: ALL,
    inputs: {
      logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [2], bits: [HEX.one, HEX.two] } },
      labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [3], bits: [HEX.one, HEX.two, HEX.two] } },
    },
    expected: every({ error: 'ValueError', kind: 'shape-mismatch' }),
  },
  'errors/any-type': {
    title: 'an error of any type is accepted (dtype-mismatch on gpu)',
    tags: ['area:errors', 'area:promotion', 'error:dtype-mismatch', 'dtype:float32', 'dtype:float64'],
    profiles: ['gpu'],
    inputs: {
      logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [1], bits: [HEX.one] } },
      labels: { type: 'tensor', tensor: { dtype: 'float64', shape: [1], bits: ['3ff0000000000000'] } },
    },
    expected: { gpu: { error: 'any', kind: 'dtype-mismatch' } },
  },
  'shapes/ascend-only': {
    title: 'a case that applies to ascend only',
    tags: ['area:shapes', 'dtype:float32'],
    profiles: ['ascend'],
    inputs: docInputs(),
    expected: { ascend: { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.half] } } },
  },
  'beta/either': {
    // spec/smooth-l1-loss.md 4.1: beta = 1e-50 is 0 as a float32 (out of range where
    // beta > 0 is required) but valid as given; with it the example's losses are
    // [0, 0, 1 - 0.5e-50], i.e. float32 [0, 0, 1]. Ascend requires only beta >= 0.
    title: 'anyOf: beta 1e-50 on the documentation example gives [0, 0, 1], or a RuntimeError',
    tags: ['area:beta', 'dtype:float32'],
    profiles: ALL,
    inputs: { ...docInputs(), beta: { type: 'float', value: '1e-50' } },
    expected: {
      ...every({ anyOf: [{ error: 'RuntimeError' }, { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.one] } }] }, ['cpu', 'gpu']),
      ascend: { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.one] } },
    },
  },
  'large/generated': {
    title: '1000 generated float32 elements (uniform in [-4, 4))',
    tags: ['area:large', 'dtype:float32', 'reduction:none'],
    profiles: ALL,
    inputs: {
      logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [1000], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'uniform', a: -4, b: 4 } } },
      labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [1000], generate: { prng: 'xoshiro128**', seed: 2, distribution: 'uniform', a: -4, b: 4 } } },
      reduction: { type: 'str', value: 'none' },
    },
    expected: every({ output: { dtype: 'float32', shape: [1000] } }),
  },
};

/** Write the fixture cases as a corpus folder (one JSON file per case); returns the loaded cases' ids. */
export function writeFixtureCorpus(dir: string, cases: Record<string, CaseJson> = fixtureCases): void {
  for (const [id, c] of Object.entries(cases)) {
    const file = join(dir, `${id}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(c, null, 2) + '\n');
  }
}

/** The fixture cases as LoadedCase objects (file paths point into `dir`). */
export function loadedFixture(id: string, dir = '/fixture'): LoadedCase {
  return { ...fixtureCases[id], id, file: join(dir, `${id}.json`) };
}
