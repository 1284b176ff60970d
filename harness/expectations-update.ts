/**
 * Turning a run's report into an expectations file (`smoothl1 expectations update`): the
 * entries are changed so that running the same implementation again on the same cases
 * gives no unexpected outcome, while everything the report says nothing about is kept.
 *
 * - A case that failed with no applicable entry gets a new entry (profile and status as
 *   observed, a placeholder reason to edit). Cases are grouped under a glob only where
 *   the glob matches exactly those cases in the whole corpus, so an entry never covers a
 *   case that was not seen failing.
 * - An entry that matches a case that passed is narrowed: replaced by entries for the
 *   cases it still covers, with its reason and statuses. An entry without `profiles`
 *   applies under whatever profile is run, so it is narrowed as a whole; one that lists
 *   other profiles besides the report's keeps its glob for those (which the report did
 *   not check) and is narrowed under the report's profile only. An entry left with
 *   nothing to cover is removed, as is one that matches no case of the corpus.
 *
 * Only observed statuses are used (`observed` of an expected failure or unexpected pass),
 * so the report may have been made with an older version of the file or with none.
 */
import type { ProfileName } from '../common/types.js';
import { ExpectationMatcher, type ExpectationEntry } from './expectations.js';
import { globToRegExp } from './glob.js';
import type { CaseResultJson, CheckStatus } from './results.js';
import { CHECK_STATUSES } from './results.js';
import { compareIds } from './run.js';

/** Every new entry's reason starts with this, so the ones still to explain are easy to find. */
export const PLACEHOLDER_PREFIX = 'TODO: say why';

export interface UpdateInputs {
  /** The current entries (an empty list for a new file). */
  entries: readonly ExpectationEntry[];
  /** The profile the report was made under. */
  profile: ProfileName;
  /** The report's results. */
  results: readonly CaseResultJson[];
  /** Every case id of the corpus the report was made on. */
  corpusIds: readonly string[];
}

export interface UpdateChanges {
  added: { entry: ExpectationEntry; ids: string[] }[];
  removed: { entry: ExpectationEntry; why: 'passes' | 'matches no case' }[];
  narrowed: { entry: ExpectationEntry; replacement: ExpectationEntry[]; passing: string[] }[];
  kept: number;
}

export interface UpdateOutcome {
  entries: ExpectationEntry[];
  changes: UpdateChanges;
}

type Observed = CheckStatus | 'skipped';

/** What the check itself said about a result, before any expectations file was applied. */
export function observedStatus(r: CaseResultJson): Observed {
  if (r.status === 'expected-failure' || r.status === 'unexpected-pass') {
    if (r.observed === undefined) throw new Error(`result '${r.id}' is ${r.status} but does not say what was observed ('observed')`);
    return r.observed;
  }
  return r.status;
}

/** A glob matcher over the corpus ids, with each glob's matches computed once. */
export class CorpusGlobs {
  private readonly cache = new Map<string, string[]>();
  constructor(readonly ids: readonly string[]) {}
  matches(glob: string): string[] {
    let m = this.cache.get(glob);
    if (m === undefined) {
      const re = globToRegExp(glob);
      m = this.ids.filter((id) => re.test(id));
      this.cache.set(glob, m);
    }
    return m;
  }
}

/**
 * Globs that could describe a group containing `id`: ancestors' '/**', the folder's '*',
 * and shared leading or trailing '-' words of at least 3 characters (so that a group says
 * something, like 'float64-*' or '*-sum', rather than a coincidence like '*-1').
 */
function candidateGlobs(id: string): string[] {
  const out = new Set<string>(['**']);
  const segments = id.split('/');
  for (let k = 1; k < segments.length; k++) out.add(`${segments.slice(0, k).join('/')}/**`);
  const dir = segments.length > 1 ? `${segments.slice(0, -1).join('/')}/` : '';
  const words = segments[segments.length - 1].split('-');
  out.add(`${dir}*`);
  for (let i = 1; i < words.length; i++) {
    const head = words.slice(0, i).join('-');
    const tail = words.slice(i).join('-');
    if (head.length >= 3) out.add(`${dir}${head}-*`);
    if (tail.length >= 3) out.add(`${dir}*-${tail}`);
  }
  return [...out];
}

/**
 * The fewest globs (greedily) whose matches in the corpus are exactly `target`: each glob
 * matches only target cases, together they match all of them. A glob is used only for two
 * or more cases; a lone case is listed by its id.
 */
export function groupIds(target: readonly string[], globs: CorpusGlobs): string[] {
  const want = new Set(target);
  const pool = new Map<string, string[]>();
  for (const id of want) {
    const own = globs.matches(id);
    if (own.length !== 1 || own[0] !== id) throw new Error(`case id '${id}' cannot be written as an exact expectations entry (as a glob it matches ${own.length} cases)`);
    pool.set(id, own);
    for (const g of candidateGlobs(id)) {
      if (pool.has(g)) continue;
      const m = globs.matches(g);
      if (m.length >= 2 && m.every((x) => want.has(x))) pool.set(g, m);
    }
  }
  const uncovered = new Set(want);
  const chosen: string[] = [];
  while (uncovered.size > 0) {
    let best: string | undefined;
    let bestGain = 0;
    for (const [g, m] of pool) {
      const gain = m.reduce((n, x) => n + (uncovered.has(x) ? 1 : 0), 0);
      if (gain > bestGain || (gain === bestGain && gain > 0 && best !== undefined && (g.length < best.length || (g.length === best.length && g < best)))) {
        best = g;
        bestGain = gain;
      }
    }
    if (best === undefined) throw new Error('groupIds: no glob covers the remaining cases'); // cannot happen: each id is its own candidate
    chosen.push(best);
    for (const x of pool.get(best)!) uncovered.delete(x);
  }
  // Drop a glob whose cases the others cover too (a greedy pick can be made redundant by later ones).
  for (let i = chosen.length - 1; i >= 0; i--) {
    const others = new Set(chosen.filter((_, j) => j !== i).flatMap((g) => pool.get(g)!));
    if (pool.get(chosen[i])!.every((x) => others.has(x))) chosen.splice(i, 1);
  }
  return chosen.sort(compareIds);
}

function entry(id: string, reason: string, profile: ProfileName, statuses: ExpectationEntry['statuses']): ExpectationEntry {
  const e: ExpectationEntry = { id, reason, profiles: [profile] };
  if (statuses !== undefined) e.statuses = [...statuses];
  return e;
}

function placeholder(status: Exclude<CheckStatus, 'pass'>, first: CaseResultJson): string {
  const why = first.reason.split('\n', 1)[0];
  return `${PLACEHOLDER_PREFIX} (${status}; first ${first.id}: ${why.length > 160 ? `${why.slice(0, 157)}...` : why})`;
}

/** Computes the updated entries; throws when the report names a case the corpus does not have. */
export function updateExpectations(inp: UpdateInputs): UpdateOutcome {
  const P = inp.profile;
  const globs = new CorpusGlobs(inp.corpusIds);
  const inCorpus = new Set(inp.corpusIds);
  const observed = new Map<string, { status: Observed; result: CaseResultJson }>();
  for (const r of inp.results) {
    if (!inCorpus.has(r.id)) throw new Error(`the report has case '${r.id}', which is not in the corpus`);
    observed.set(r.id, { status: observedStatus(r), result: r });
  }
  const passing = new Set([...observed].filter(([, o]) => o.status === 'pass').map(([id]) => id));
  const changes: UpdateChanges = { added: [], removed: [], narrowed: [], kept: 0 };

  // 1. Existing entries: keep, narrow or remove, in place.
  const entries: ExpectationEntry[] = [];
  for (const e of inp.entries) {
    const matched = globs.matches(e.id);
    if (matched.length === 0) {
      changes.removed.push({ entry: e, why: 'matches no case' });
      continue;
    }
    const applies = e.profiles === undefined || e.profiles.includes(P);
    const passed = applies ? matched.filter((id) => passing.has(id)) : [];
    if (passed.length === 0) {
      entries.push(e);
      changes.kept++;
      continue;
    }
    const replacement: ExpectationEntry[] = [];
    const otherProfiles = e.profiles ? e.profiles.filter((p) => p !== P) : [];
    if (otherProfiles.length > 0) replacement.push({ ...e, profiles: otherProfiles });
    const still = matched.filter((id) => !passing.has(id));
    for (const g of still.length > 0 ? groupIds(still, globs) : []) replacement.push(e.profiles ? { ...e, id: g, profiles: [P] } : { ...e, id: g });
    if (replacement.length === 0) changes.removed.push({ entry: e, why: 'passes' });
    else changes.narrowed.push({ entry: e, replacement, passing: passed });
    entries.push(...replacement);
  }

  // 2. Failures no entry expects: new entries, one group of globs per observed status.
  const matcher = new ExpectationMatcher({ file: '(updated)', sha256: '', entries });
  type Failure = Exclude<CheckStatus, 'pass'>;
  const uncovered = new Map<Failure, CaseResultJson[]>();
  for (const [id, o] of [...observed].sort((a, b) => compareIds(a[0], b[0]))) {
    if (o.status === 'pass' || o.status === 'skipped') continue;
    if (matcher.apply(id, P, o.status)?.status === 'expected-failure') continue;
    uncovered.set(o.status, [...(uncovered.get(o.status) ?? []), o.result]);
  }
  for (const status of CHECK_STATUSES) {
    if (status === 'pass') continue;
    const rs = uncovered.get(status);
    if (rs === undefined) continue;
    const reason = placeholder(status, rs[0]);
    for (const g of groupIds(rs.map((r) => r.id), globs)) {
      const e = entry(g, reason, P, [status]);
      entries.push(e);
      changes.added.push({ entry: e, ids: globs.matches(g) });
    }
  }

  // 3. The promise, checked: on the report's cases the new entries expect exactly the failures.
  const check = new ExpectationMatcher({ file: '(updated)', sha256: '', entries });
  for (const [id, o] of observed) {
    if (o.status === 'skipped') continue;
    const v = check.apply(id, P, o.status);
    const ok = o.status === 'pass' ? v === undefined : v?.status === 'expected-failure';
    if (!ok) throw new Error(`expectations update: internal error: case '${id}' (${o.status}) would be ${v?.status ?? 'unexpected'} with the updated entries`);
  }
  return { entries, changes };
}

