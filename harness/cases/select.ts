/**
 * The one selection rule, shared by `smoothl1 run`, `smoothl1 cases list` and the
 * library's checkConformance: every filter (harness/cases/filter.ts: commas inside one
 * filter mean "or") must match some case of the corpus, all filters together ("and")
 * must match some case, and then the shard (harness/shard.ts) keeps its part. A filter
 * that selects nothing is a mistake worth stopping for (a typo would otherwise give a
 * green run of zero cases); an empty shard is not (shards of a small selection may be).
 */
import { inShard, type Shard } from '../shard.js';
import { compileFilter, type Filterable } from './filter.js';

/** A filter that cannot be read or selects nothing, or a shard that cannot be read. */
export class SelectionError extends Error {
  override name = 'SelectionError';
}

const FILTER_HINT = "a filter is a case-id glob such as 'beta/*', a folder, or a tag such as 'dtype:float16'";

/**
 * The cases of `corpus` that every filter matches, in shard `shard` (null: all), in the
 * corpus's order. `label` names a filter in messages (the CLI's '--filter').
 */
export function selectCases<T extends Filterable>(corpus: readonly T[], filters: readonly string[], shard: Shard | null = null, label = 'filter'): T[] {
  let selected = [...corpus];
  for (const f of filters) {
    let m: (c: Filterable) => boolean;
    try {
      m = compileFilter(f);
    } catch (e) {
      throw new SelectionError(`${label} '${f}': ${(e as Error).message}`);
    }
    if (!corpus.some(m)) throw new SelectionError(`${label} '${f}' matches no case (${FILTER_HINT})`);
    selected = selected.filter(m);
  }
  if (filters.length > 0 && selected.length === 0) throw new SelectionError(`the filters ${filters.map((f) => `'${f}'`).join(' and ')} match no case together`);
  return selected.filter((c) => inShard(c.id, shard));
}
