/**
 * The text of a search's own report section, after the console summary (and in
 * report.md): what `smoothl1 fuzz` drew and found, and `smoothl1 sweep`'s failing pairs
 * by input class with the example case files.
 */
import type { FuzzSectionJson, SweepSectionJson } from '../harness/results.js';

/** What a fuzz search did and found. */
export function fuzzText(s: FuzzSectionJson): string {
  const how =
    s.end === 'failure'
      ? `found a failure at call ${s.finding!.run}`
      : s.end === 'time-limit'
        ? `no failure in ${s.runsDone} calls (the time limit of ${s.timeLimitS} s was reached)`
        : `no failure in ${s.runsDone} calls`;
  const lines = [`fuzz: seed ${s.seed}: ${how}`];
  if (s.finding) {
    const f = s.finding;
    const end = f.shrinkEnd === 'minimal' ? 'nothing simpler fails' : f.shrinkEnd === 'time-limit' ? 'stopped at the time limit' : 'stopped at the shrink budget';
    lines.push(`  as drawn:   ${f.found.status}: ${f.found.reason}`);
    lines.push(`  shrunk:     ${f.shrinkSteps} simplifications in ${f.shrinkCalls} calls (${end})`);
    lines.push(`  case file:  ${f.caseFile}`);
    lines.push(`  rerun:      ${f.rerun}`);
  }
  lines.push(`  replay:     ${s.replay}`);
  return lines.join('\n') + '\n';
}

const count = (n: number) => n.toLocaleString('en-US');

/** A sweep's pairs and failing pairs by class, and its examples. */
export function sweepText(s: SweepSectionJson): string {
  const beta = s.beta.value === undefined ? s.beta.type : `${s.beta.type} ${String(s.beta.value)}`;
  const lines = [
    `sweep: ${s.dtype}, beta ${beta}, reduction ${s.reduction}: logits 0x${s.logits.first}-0x${s.logits.last} x every labels pattern, ${s.chunksDone} of ${s.chunks} chunks, ${count(s.pairs)} pairs, ${count(s.failingPairs)} failing`,
  ];
  const rows = [['class', 'pairs', 'failing'], ...s.classes.map((c) => [c.name, count(c.pairs), count(c.failing)])];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) lines.push(`  ${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}`);
  if (s.examples.length > 0) {
    lines.push('  failing pairs written as one-element cases (alone: whether the implementation also fails the pair by itself):');
    for (const e of s.examples) lines.push(`    ${e.class.padEnd(w[0])}  logits 0x${e.logits} labels 0x${e.labels}  alone: ${e.alone}  ${e.caseFile}`);
  }
  return lines.join('\n') + '\n';
}
