// `npm run proof:fuzz`: the whole proof that the search works (issue 10), over seeds 1..20
// (test/fixtures/fuzz/proof.mjs): for each seeded fault, the call at which the fuzz engine
// finds it with each seed within its budget, and whether the minimal call it found
// passes the three correct implementations (the fault, not a false alarm); for each
// correct implementation, every seed with both budgets, which must find nothing. Writes
// reports/fuzz-proof.json (the README quotes it) and prints a table; exit 1 when a
// correct implementation was failed (a false failure) or a fault not waiting for part A
// was found by no seed. SMOOTHL1_PROOF_SEEDS=1-5 runs fewer seeds.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCase } from '../../dist/harness/case-step.js';
import { Checker } from '../../dist/harness/check.js';
import { isUnexpected } from '../../dist/harness/results.js';
import { timeLimit } from '../../dist/harness/time-limit.js';
import { runnerFromFunction } from '../../dist/runners/module/index.js';
import { fuzz, searchCase } from '../../dist/search/fuzz.js';
import { smoothL1Space } from '../../dist/search/operator/index.js';
import { CORRECT } from '../fixtures/fuzz/correct.mjs';
import { FAULTY } from '../fixtures/fuzz/faulty.mjs';
import { BUDGETS, FAULTS, PROFILE, SEEDS } from '../fixtures/fuzz/proof.mjs';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const range = process.env.SMOOTHL1_PROOF_SEEDS?.match(/^(\d+)-(\d+)$/);
const seeds = range ? SEEDS.filter((s) => s >= Number(range[1]) && s <= Number(range[2])) : SEEDS;

function search(fn, name, budget, seed) {
  return fuzz({
    runner: runnerFromFunction(fn, { name, nativeProfile: PROFILE }),
    space: smoothL1Space({ profile: PROFILE, maxElements: budget.maxElements }),
    profile: PROFILE,
    tolerance: 'standard',
    seed,
    runs: budget.runs,
    limit: timeLimit(),
    caseId: (c, r) => `${c}/seed-${seed}-run-${r}`,
    rerun: (id) => id,
  });
}

async function fails(fn, args) {
  const step = await runCase(searchCase('proof/minimal', args, PROFILE), { runner: runnerFromFunction(fn, { nativeProfile: PROFILE }), checker: new Checker({ profile: PROFILE, tolerance: 'standard', rerunPrefix: '' }), profile: PROFILE, limit: timeLimit() }, args);
  return isUnexpected(step.result.status);
}

const t0 = performance.now();
const faults = [];
for (const f of FAULTS) {
  const budget = BUDGETS[f.budget];
  const t = performance.now();
  const bySeed = [];
  for (const seed of seeds) {
    const o = await search(FAULTY[f.name], f.name, budget, seed);
    if (!o.finding) {
      bySeed.push({ seed, run: null });
      continue;
    }
    const falseAlarm = [];
    for (const [name, fn] of Object.entries(CORRECT)) if (await fails(fn, o.finding.args)) falseAlarm.push(name);
    bySeed.push({ seed, run: o.finding.run, shrunkTo: o.finding.result.id, ...(falseAlarm.length ? { alsoFails: falseAlarm } : {}) });
  }
  const found = bySeed.filter((s) => s.run !== null && !s.alsoFails);
  const row = { name: f.name, budget: f.budget, ...(f.after ? { after: f.after } : {}), found: found.length, seeds: seeds.length, medianRun: found.length ? found.map((s) => s.run).sort((a, b) => a - b)[Math.floor(found.length / 2)] : null, maxRun: found.length ? Math.max(...found.map((s) => s.run)) : null, seconds: Math.round((performance.now() - t) / 100) / 10, bySeed };
  faults.push(row);
  process.stdout.write(`fault   ${f.name.padEnd(24)} ${f.budget.padEnd(6)} found by ${row.found}/${row.seeds} seeds, median call ${row.medianRun}, at most ${row.maxRun}${f.after ? ` (waits for ${f.after})` : ''}  ${row.seconds} s\n`);
}
const correct = [];
for (const [name, fn] of Object.entries(CORRECT)) {
  for (const [bname, budget] of Object.entries(BUDGETS)) {
    const t = performance.now();
    const failures = [];
    for (const seed of seeds) {
      const o = await search(fn, name, budget, seed);
      if (o.finding) failures.push({ seed, run: o.finding.run, id: o.finding.result.id, reason: o.finding.result.reason });
    }
    const row = { name, budget: bname, seeds: seeds.length, calls: seeds.length * budget.runs, failures, seconds: Math.round((performance.now() - t) / 100) / 10 };
    correct.push(row);
    process.stdout.write(`correct ${name.padEnd(24)} ${bname.padEnd(6)} ${failures.length} failing seeds of ${seeds.length} (${row.calls} calls)  ${row.seconds} s\n`);
    for (const f of failures) process.stdout.write(`        seed ${f.seed}, call ${f.run}: ${f.id}: ${f.reason}\n`);
  }
}
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
} catch {}
const result = { commit, date: new Date().toISOString(), profile: PROFILE, tolerance: 'standard', budgets: BUDGETS, seeds, wallSeconds: Math.round((performance.now() - t0) / 1000), faults, correct };
writeFileSync(join(ROOT, 'reports', 'fuzz-proof.json'), JSON.stringify(result, null, 2) + '\n');
const missed = faults.filter((f) => !f.after && f.found === 0);
const failed = correct.filter((c) => c.failures.length > 0);
process.stdout.write(`${faults.length} faults (${missed.length} found by no seed), ${correct.length} correct implementation x budget runs (${failed.length} with failures) in ${result.wallSeconds} s; reports/fuzz-proof.json written\n`);
process.exitCode = missed.length > 0 || failed.length > 0 ? 1 : 0;
