/**
 * Global set-up of `npm run verify:oracle`: clears the parts' folder before the run and,
 * after it, merges the parts into reports/verify-oracle.json (only when every part wrote
 * its result, i.e. every part passed) and prints the totals.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addStats, emptyStats } from '../equality.js';
import { ELEMENTS, PARTS_DIR, SEED, type PartResult } from './run.js';

const PARTS = ['hunted-float16', 'hunted-bfloat16', 'hunted-float32', 'hunted-float64', 'corpus'];

let started = 0;

export function setup(): void {
  started = Date.now();
  rmSync(PARTS_DIR, { recursive: true, force: true });
}

/** The commit the run checked (with '+changes' when the work tree differed from it). */
function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

export function teardown(): void {
  const found = existsSync(PARTS_DIR) ? readdirSync(PARTS_DIR).filter((f) => f.endsWith('.json')) : [];
  const parts = found.map((f) => JSON.parse(readFileSync(join(PARTS_DIR, f), 'utf8')) as PartResult).sort((a, b) => PARTS.indexOf(a.part) - PARTS.indexOf(b.part));
  rmSync(PARTS_DIR, { recursive: true, force: true });
  if (parts.length !== PARTS.length) {
    process.stderr.write(`verify:oracle: ${parts.length} of ${PARTS.length} parts passed; reports/verify-oracle.json is left as it was\n`);
    return;
  }
  let total = emptyStats();
  for (const p of parts) total = addStats(total, p.stats);
  // wall time of the whole run (the parts run side by side, one per worker)
  const wallS = Math.round((Date.now() - started) / 100) / 10;
  const report = { format: 'smoothl1-verify-oracle/1', generatedAt: new Date().toISOString(), commit: commitOf(), node: process.version, seed: SEED, elementsPerDtype: ELEMENTS, parts, total, wallS };
  writeFileSync(join(PARTS_DIR, '..', 'verify-oracle.json'), JSON.stringify(report, null, 2) + '\n');
  const rows = parts.map((p) => `${p.part.padEnd(16)} ${String(p.stats.elements).padStart(10)} elements ${String(p.stats.intervalsCompared).padStart(10)} intervals ${String(p.stats.fusedCompared).padStart(10)} fused; fallbacks: expected ${p.stats.expectedFallbacks}, intervals ${p.stats.intervalFallbacks}, reductions ${p.stats.reductionFallbacks}; ${p.durationS} s`);
  process.stdout.write(`verify:oracle (seed ${SEED}): fast path = exact path, bit for bit\n${rows.join('\n')}\n${wallS} s in all; written: reports/verify-oracle.json\n`);
}
