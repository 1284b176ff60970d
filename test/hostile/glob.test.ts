/**
 * Globs (run --filter, expectations ids) match in time linear in the id: a pattern of many
 * stars that a backtracking regular expression needs exponential time for is answered at
 * once, and the matcher agrees with the glob's definition as a regular expression (the
 * reference, fine on the small inputs fast-check generates).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileGlob } from '../../harness/glob.js';
import { compileFilter } from '../../harness/cases/index.js';
import { ExpectationMatcher, globToRegExp } from '../../harness/expectations.js';

/** The definition: '**\/' = (?:.*\/)?, '**' = .*, '*' = [^/]*, '?' = [^/], everything else literal. */
function referenceRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

describe('glob matching', () => {
  it('agrees with the regular-expression definition (property test)', () => {
    const globChar = fc.constantFrom('a', 'b', '/', '*', '?', '.', '-');
    const idChar = fc.constantFrom('a', 'b', '/', '.', '-');
    fc.assert(
      fc.property(fc.array(globChar, { maxLength: 10 }), fc.array(idChar, { maxLength: 12 }), (g, s) => {
        const glob = g.join('');
        const id = s.join('');
        expect(compileGlob(glob)(id), `glob ${JSON.stringify(glob)} on ${JSON.stringify(id)}`).toBe(referenceRegExp(glob).test(id));
      }),
      { numRuns: 5000 },
    );
  });

  it('known cases: folders, zero folders for **/, ? never matches /', () => {
    expect(compileGlob('beta/**/zero')('beta/zero')).toBe(true);
    expect(compileGlob('beta/**/zero')('beta/a/b/zero')).toBe(true);
    expect(compileGlob('beta/*')('beta/a/b')).toBe(false);
    expect(compileGlob('a?b')('a/b')).toBe(false);
    expect(compileGlob('**')('')).toBe(true);
    expect(compileGlob('')('x')).toBe(false);
  });

  it('many stars: a filter and an expectations id are answered at once, not in exponential time', () => {
    const stars = '*'.repeat(40) + 'x';
    const ids = Array.from({ length: 400 }, (_, k) => ({ id: `precision/float16-sum-of-many-terms-number-${k}-y`, tags: ['dtype:float16', 'area:precision'] }));
    const t0 = performance.now();
    const m = compileFilter(stars);
    expect(ids.filter(m)).toEqual([]);
    const matcher = new ExpectationMatcher({ file: 'x.json', sha256: '', entries: [{ id: stars, reason: 'r' }, { id: '**/*' + '*'.repeat(30) + 'y', reason: 'ends in y' }] });
    for (const c of ids) expect(matcher.apply(c.id, 'cpu', 'wrong-value')?.entry.reason).toBe('ends in y');
    // Linear matching takes milliseconds; a backtracking matcher takes longer than the age of the universe.
    expect(performance.now() - t0).toBeLessThan(5000);
  }, 15_000);
});

describe('globToRegExp (the RegExp form)', () => {
  it('shows the definition and matches through the linear matcher', () => {
    const re = globToRegExp('*'.repeat(40) + 'x');
    expect(re.source).toBe('^.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*x$');
    const t0 = performance.now();
    expect(re.test('a'.repeat(60))).toBe(false);
    expect('a'.repeat(60).match(re)).toBeNull();
    expect(re.test('abx')).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5000);
  }, 15_000);
});
