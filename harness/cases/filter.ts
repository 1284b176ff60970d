/**
 * Case selection shared by `cases list --filter` and `run --filter`. A filter is one or
 * more comma-separated patterns; a case is selected when any pattern matches it. A
 * pattern matches a case when
 *   - it matches the case id as a path glob ('*' = any characters except '/', '**' = any
 *     characters including '/', '?' = one character except '/'), or
 *   - it names a folder the case lies in ('beta' selects 'beta/...'), or
 *   - it equals one of the case's tags, or matches one as a glob ('dtype:*').
 */
import { compileGlob } from '../glob.js';

export interface Filterable {
  id: string;
  tags: string[];
}

export function compileFilter(filter: string): (c: Filterable) => boolean {
  const patterns = filter
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (patterns.length === 0) throw new RangeError(`empty filter ${JSON.stringify(filter)}: expected a case-id glob or a tag`);
  const tests = patterns.map((p) => {
    const matches = compileGlob(p);
    const folder = p.replace(/\/+$/, '');
    return (c: Filterable) => matches(c.id) || c.id.startsWith(folder + '/') || c.tags.some((t) => t === p || matches(t));
  });
  return (c) => tests.some((t) => t(c));
}

export function filterCases<T extends Filterable>(cases: T[], filter: string | undefined): T[] {
  if (filter === undefined) return cases;
  const m = compileFilter(filter);
  return cases.filter(m);
}
