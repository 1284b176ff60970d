/**
 * `npm run verify:oracle`: the full proof that the oracle's fast path equals its exact
 * path, bit for bit (test/oracle/equality.ts), on at least SMOOTHL1_VERIFY_ELEMENTS
 * (default 10^7) hunted elements per output dtype and on the whole corpus. Each
 * *.verify.ts file runs one part and writes its counts here; verify-setup.ts merges them
 * into reports/verify-oracle.json when all parts are done.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FloatDType } from '../../../common/types.js';
import { addStats, compareCall, emptyStats, type EqualityStats } from '../equality.js';
import { huntArgs, huntCases } from '../hunt.js';

export const ELEMENTS = Number(process.env.SMOOTHL1_VERIFY_ELEMENTS ?? 1e7);
export const SEED = Number(process.env.SMOOTHL1_VERIFY_SEED ?? 20261202);
export const PARTS_DIR = join(__dirname, '..', '..', '..', 'reports', '.verify-oracle-parts');
const CASE_SIZE = 24;
const BATCH = 2000;

export interface PartResult {
  part: string;
  seed: number;
  durationS: number;
  stats: EqualityStats;
}

export function writePart(r: PartResult): void {
  mkdirSync(PARTS_DIR, { recursive: true });
  writeFileSync(join(PARTS_DIR, `${r.part}.json`), JSON.stringify(r, null, 2) + '\n');
}

/** Hunted cases for one output dtype until at least ELEMENTS elements were compared; throws on the first difference (shrunk). */
export function verifyHunted(out: FloatDType): PartResult {
  const t0 = performance.now();
  let stats = emptyStats();
  // each output dtype draws from its own seeds
  const base = SEED + 1_000_000 * ['float16', 'bfloat16', 'float32', 'float64'].indexOf(out);
  for (let batch = 0; stats.elements < ELEMENTS; batch++) {
    const s = emptyStats();
    let k = 0;
    fc.assert(
      fc.property(huntCases(out, CASE_SIZE), (c) => {
        k++;
        const diff = compareCall(huntArgs(c), out, s, { givenIntervals: k % 4 === 0, fusedSeed: k });
        if (diff !== undefined) throw new Error(`${diff}\n  case: ${JSON.stringify({ ...c, beta: c.beta.type === 'int' ? { type: 'int', value: String(c.beta.value) } : c.beta })}`);
      }),
      { numRuns: BATCH, seed: base + batch },
    );
    stats = addStats(stats, s);
  }
  return { part: `hunted-${out}`, seed: SEED, durationS: Math.round((performance.now() - t0) / 100) / 10, stats };
}
