/**
 * The spec data files (spec/dtypes.json, profiles.json, tolerances.json, tags.json) are
 * validated once, when first read, against schemas of their own; a malformed file fails
 * at load naming the file, the JSON pointer and what was expected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dtypesSpec, packageRoot, profilesSpec, SpecDataError, tolerancesSpec, validateSpecData } from '../../common/spec-data.js';

const read = (f: string) => JSON.parse(readFileSync(join(packageRoot(), f), 'utf8'));

describe('spec data files and their schemas', () => {
  it('the committed files are valid', () => {
    for (const f of ['spec/dtypes.json', 'spec/profiles.json', 'spec/tolerances.json', 'spec/tags.json']) expect(() => validateSpecData(f, read(f)), f).not.toThrow();
    expect(tolerancesSpec().levels.standard.betaValues).toEqual(['float32', 'given']);
    expect(profilesSpec().betaStorage).toBe('float32');
    expect(dtypesSpec().float.float16.fractionBits).toBe(10);
  });

  it('a malformed file is refused with the file, the pointer and what was expected', () => {
    const t = read('spec/tolerances.json');
    delete t.levels.strict.betaValues;
    t.levels.standard.betaValues = ['float32', 'exact'];
    t.levels.standard.summation.float32 = 'kahan';
    let err: unknown;
    try {
      validateSpecData('spec/tolerances.json', t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecDataError);
    const m = (err as Error).message;
    expect(m).toMatch(/^spec\/tolerances.json does not match spec\/tolerances.schema.json:/);
    expect(m).toContain("/levels/strict: missing required property 'betaValues'");
    expect(m).toContain('/levels/standard/betaValues/1: expected one of "float32", "given", got "exact"');
    expect(m).toContain('/levels/standard/summation/float32: expected one of "pairwise", "bounded-height", "any-order", got "kahan"');
    const p = read('spec/profiles.json');
    p.profiles.cpu.beta.rule = 'ge1';
    expect(() => validateSpecData('spec/profiles.json', p)).toThrow(/\/profiles\/cpu\/beta\/rule: expected one of "gt0", "ge0", got "ge1"/);
    const d = read('spec/dtypes.json');
    d.float.float16.exponentBits = 40;
    expect(() => validateSpecData('spec/dtypes.json', d)).toThrow(/\/float\/float16\/exponentBits/);
  });
});
