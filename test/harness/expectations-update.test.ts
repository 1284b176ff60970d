/**
 * The grouping behind `smoothl1 expectations update` (harness/expectations-update.ts):
 * a set of case ids becomes globs whose matches in the corpus are exactly that set. The
 * property is checked on random corpora with an independent glob reading (a glob's '*'
 * stays within a path segment, '**' crosses segments).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorpusGlobs, groupIds, observedStatus } from '../../harness/expectations-update.js';

/** Independent of harness/glob.ts: the glob syntax this test relies on, by a simple recursive match. */
function globMatches(glob: string, id: string): boolean {
  if (glob === '') return id === '';
  if (glob.startsWith('**')) {
    for (let i = 0; i <= id.length; i++) if (globMatches(glob.slice(2), id.slice(i))) return true;
    return false;
  }
  if (glob[0] === '*') {
    for (let i = 0; i <= id.length && (i === 0 || id[i - 1] !== '/'); i++) if (globMatches(glob.slice(1), id.slice(i))) return true;
    return false;
  }
  return id !== '' && glob[0] === id[0] && globMatches(glob.slice(1), id.slice(1));
}

const corpus = ['a/xxx-one', 'a/xxx-two', 'a/yyy-one', 'a/yyy-two-z', 'b/q', 'b/r', 'c/d/e-1', 'd/p-1', 'd/q-1', 'd/r-2'];
const group = (target: string[]) => groupIds(target, new CorpusGlobs(corpus));

describe('groupIds', () => {
  it('groups under the broadest glob that matches only the given cases', () => {
    expect(group(['a/xxx-one', 'a/xxx-two'])).toEqual(['a/xxx-*']);
    expect(group(['a/xxx-one', 'a/yyy-one'])).toEqual(['a/*-one']);
    expect(group(['a/xxx-one', 'a/xxx-two', 'a/yyy-one', 'a/yyy-two-z'])).toEqual(['a/*']);
    expect(group(['b/q', 'b/r', 'c/d/e-1'])).toEqual(['b/*', 'c/d/e-1']);
    expect(group(corpus)).toEqual(['**']);
  });

  it('lists a lone case by its id, never under a glob, and does not group by a short word', () => {
    expect(group(['a/yyy-two-z'])).toEqual(['a/yyy-two-z']);
    expect(group(['a/xxx-one', 'b/q'])).toEqual(['a/xxx-one', 'b/q']);
    expect(group(['d/p-1', 'd/q-1'])).toEqual(['d/p-1', 'd/q-1']); // not 'd/*-1'
  });

  it('matches exactly the given cases, on random corpora', () => {
    const word = fc.constantFrom('f16', 'f32', 'sum', 'none', 'nan', 'x');
    const id = fc.tuple(fc.constantFrom('p', 'q', 'r/s'), fc.array(word, { minLength: 1, maxLength: 3 })).map(([d, ws]) => `${d}/${ws.join('-')}`);
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 30 }), fc.infiniteStream(fc.boolean()), (ids, picks) => {
        const target = ids.filter(() => picks.next().value as boolean);
        if (target.length === 0) return;
        const globs = groupIds(target, new CorpusGlobs(ids));
        const covered = new Set<string>();
        for (const g of globs) {
          const m = ids.filter((x) => globMatches(g, x));
          expect(m.every((x) => target.includes(x)), `${g} matches only targets`).toBe(true);
          if (g.includes('*')) expect(m.length).toBeGreaterThanOrEqual(2);
          else expect(m).toEqual([g]);
          m.forEach((x) => covered.add(x));
        }
        expect([...covered].sort()).toEqual([...target].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an id that, read as a glob, means more than itself', () => {
    expect(() => groupIds(['a/*'], new CorpusGlobs(['a/*', 'a/b']))).toThrow(/cannot be written as an exact expectations entry/);
  });
});

describe('observedStatus', () => {
  it('reads what the check said under an expectations verdict', () => {
    const base = { reason: '', maxUlpError: null, area: 'a', dtype: 'float32', reduction: 'none' };
    expect(observedStatus({ ...base, id: 'a', status: 'wrong-value' })).toBe('wrong-value');
    expect(observedStatus({ ...base, id: 'a', status: 'expected-failure', observed: 'crash' })).toBe('crash');
    expect(observedStatus({ ...base, id: 'a', status: 'unexpected-pass', observed: 'pass' })).toBe('pass');
    expect(() => observedStatus({ ...base, id: 'a', status: 'expected-failure' })).toThrow(/does not say what was observed/);
  });
});
