/** The case filter shared by `cases list` and `run`: id globs, folders and tags. */
import { describe, expect, it } from 'vitest';
import { compileFilter, filterCases } from '../../harness/cases/filter.js';

const cases = [
  { id: 'beta/nan', tags: ['area:beta', 'beta:nan', 'dtype:float32'] },
  { id: 'beta/int/two', tags: ['area:beta', 'beta:int', 'dtype:float16'] },
  { id: 'shapes/rank-3', tags: ['area:shapes', 'dtype:float32'] },
  { id: 'doc/example', tags: ['doc-example'] },
  { id: 'betax/odd', tags: [] },
];
const ids = (f: string) => filterCases(cases, f).map((c) => c.id);

describe('case filter', () => {
  it("'*' stays within a folder, '**' crosses folders", () => {
    expect(ids('beta/*')).toEqual(['beta/nan']);
    expect(ids('beta/**')).toEqual(['beta/nan', 'beta/int/two']);
    expect(ids('**/two')).toEqual(['beta/int/two']);
    expect(ids('beta/**/two')).toEqual(['beta/int/two']);
    expect(ids('*/rank-?')).toEqual(['shapes/rank-3']);
  });
  it('a folder name selects everything below it, and only that folder', () => {
    expect(ids('beta')).toEqual(['beta/nan', 'beta/int/two']);
    expect(ids('beta/')).toEqual(['beta/nan', 'beta/int/two']);
  });
  it('an exact id selects that case', () => {
    expect(ids('doc/example')).toEqual(['doc/example']);
  });
  it('tags match exactly or as globs', () => {
    expect(ids('dtype:float16')).toEqual(['beta/int/two']);
    expect(ids('doc-example')).toEqual(['doc/example']);
    expect(ids('beta:*')).toEqual(['beta/nan', 'beta/int/two']);
    expect(ids('dtype:float')).toEqual([]);
  });
  it('commas combine patterns with OR; no filter selects all', () => {
    expect(ids('doc-example, shapes/*')).toEqual(['shapes/rank-3', 'doc/example']);
    expect(filterCases(cases, undefined)).toHaveLength(cases.length);
  });
  it('regex characters in a pattern are literal', () => {
    expect(compileFilter('beta.nan')(cases[0])).toBe(false);
    expect(() => compileFilter(' , ')).toThrow(/empty filter/);
  });
});
