/**
 * report.json for a search (`smoothl1 fuzz`, `smoothl1 sweep`): the same object `smoothl1
 * run` writes (spec/report.schema.json), so every writer, `report merge` and `--reporter
 * github` work on it, with the search's own section beside the results. There is no
 * corpus: `corpusHash` is a hash of the search's definition (what decides the calls), so
 * two reports of the same search, or the shards of one sweep, carry the same one.
 */
import { createHash } from 'node:crypto';
import { readSpecJson } from '../common/spec-data.js';
import type { ProfileName, ToleranceLevel } from '../common/types.js';
import { summarize, type CaseResultJson, type FuzzSectionJson, type ReportJson, type SweepSectionJson } from '../harness/results.js';
import type { Shard } from '../harness/shard.js';

/** sha256 over the canonical JSON of a search's definition (object keys sorted; bigints as decimal strings). */
export function searchHash(definition: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(definition)), 'utf8').digest('hex');
}

export interface SearchReportInputs {
  runner: { name: string; version: string };
  profile: ProfileName;
  tolerance: ToleranceLevel;
  /** What decides the calls (hashed into corpusHash). */
  definition: unknown;
  /** How many calls (fuzz) or chunks (sweep) the whole search has. */
  size: number;
  seed: number | null;
  shard: Shard | null;
  results: CaseResultJson[];
  timings: { startedAt: string; totalMs: number; checkMs: number; cases: Record<string, number> } | null;
  fuzz?: FuzzSectionJson;
  sweep?: SweepSectionJson;
}

export function searchReport(o: SearchReportInputs): ReportJson {
  const report: ReportJson = {
    format: 'smoothl1-report/1',
    tool: { name: 'smoothl1-conformance', version: readSpecJson<{ version: string }>('package.json').version },
    runner: { name: o.runner.name, version: o.runner.version },
    profile: o.profile,
    tolerance: o.tolerance,
    corpusHash: searchHash(o.definition),
    corpusSize: o.size,
    selection: { filters: [], shard: o.shard ? { index: o.shard.index, count: o.shard.count } : null, selected: o.results.length },
    seed: o.seed,
    expectations: null,
    summary: summarize(o.results),
    results: o.results,
  };
  if (o.fuzz) report.fuzz = o.fuzz;
  if (o.sweep) report.sweep = o.sweep;
  if (o.timings) report.timings = o.timings;
  return report;
}
