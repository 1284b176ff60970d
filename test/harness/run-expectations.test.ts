/**
 * Expectations files: schema validation with messages naming the file and field; id
 * globs; profile and status restrictions; expected-failure vs unexpected-pass; unused
 * entries reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpectationMatcher, ExpectationsError, compileGlob, loadExpectations, parseExpectations } from '../../harness/expectations.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-expect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expectations file', () => {
  it('rejects invalid files, naming the file and the field', () => {
    expect(() => parseExpectations('k.json', '[')).toThrow(/k\.json: not valid JSON/);
    expect(() => parseExpectations('k.json', '{}')).toThrow(/k\.json: \(document\): missing required property 'expectations'/);
    expect(() => parseExpectations('k.json', JSON.stringify({ expectations: [{ id: 'a/*' }] }))).toThrow(/k\.json: \/expectations\/0: missing required property 'reason'/);
    expect(() => parseExpectations('k.json', JSON.stringify({ expectations: [{ id: 'a', reason: 'r', statuses: ['pass'] }] }))).toThrow(/\/expectations\/0\/statuses\/0: expected one of "wrong-value", .*, got "pass"/);
    expect(() => parseExpectations('k.json', JSON.stringify({ expectations: [{ id: 'a', reason: 'r', profile: 'cpu' }] }))).toThrow(/\/expectations\/0: unexpected property 'profile'/);
    expect(() => loadExpectations(join(dir, 'missing.json'))).toThrow(ExpectationsError);
    expect(() => loadExpectations(join(dir, 'missing.json'))).toThrow(/cannot read expectations file .*missing\.json: ENOENT/);
  });

  it('globs: * within a segment, ** across, ? one character', () => {
    expect(compileGlob('beta/*')('beta/zero')).toBe(true);
    expect(compileGlob('beta/*')('beta/x/zero')).toBe(false);
    expect(compileGlob('**/zero')('beta/x/zero')).toBe(true);
    expect(compileGlob('beta/**/zero')('beta/zero')).toBe(true);
    expect(compileGlob('a.b?')('a.bc')).toBe(true);
    expect(compileGlob('a.b?')('axbc')).toBe(false);
  });

  it('turns listed failures into expected-failure and listed passes into unexpected-pass', () => {
    const file = join(dir, 'known.json');
    writeFileSync(
      file,
      JSON.stringify({
        expectations: [
          { id: 'precision/*', reason: 'half accumulation', statuses: ['wrong-value'] },
          { id: 'beta/zero', reason: 'ascend only bug', profiles: ['ascend'] },
          { id: 'never/matches', reason: 'stale' },
        ],
      }),
    );
    const m = new ExpectationMatcher(loadExpectations(file));
    expect(m.apply('precision/sum-f16', 'cpu', 'wrong-value')).toMatchObject({ status: 'expected-failure', entry: { reason: 'half accumulation' } });
    // A different failure than the one listed stays unexpected.
    expect(m.apply('precision/sum-f16', 'cpu', 'crash')).toBeUndefined();
    expect(m.apply('precision/other', 'cpu', 'pass')).toMatchObject({ status: 'unexpected-pass' });
    expect(m.apply('beta/zero', 'cpu', 'wrong-value')).toBeUndefined();
    expect(m.apply('beta/zero', 'ascend', 'missing-error')).toMatchObject({ status: 'expected-failure' });
    expect(m.apply('shapes/x', 'cpu', 'wrong-shape')).toBeUndefined();
    expect(m.unused()).toEqual(['never/matches']);
  });
});
