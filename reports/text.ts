/**
 * Plain-text rendering of one result's failure details, shared by the console output of
 * `smoothl1 run`, junit.xml failure bodies, report.md and report.html, so every format
 * shows a failure the same way: reason, expected vs actual, the inputs (first elements
 * and the failing ones, decimal and hex), the elements outside their accepted interval
 * with the error in ulps, and the command that reruns the case.
 */
import type { CaseResultJson, ElementJson, InputJson } from '../harness/results.js';

function elementsText(els: ElementJson[]): string {
  return els.map((e) => `[${e.index}] ${e.decimal} (0x${e.hex})`).join('  ');
}

function inputLine(i: InputJson): string {
  const name = i.name.padEnd(9);
  switch (i.type) {
    case 'absent':
      return `${name} absent (the implementation's default applies)`;
    case 'tensor': {
      const more = i.truncated ? `  … (${i.numel} elements, the first and the failing ones shown)` : '';
      return `${name} tensor ${i.dtype} shape [${(i.shape ?? []).join(',')}]: ${elementsText(i.elements ?? [])}${more}`;
    }
    default:
      return `${name} ${i.type} ${i.value ?? ''}`.trimEnd();
  }
}

/** Multi-line text for a result with details (a result without details gives its one-line reason). */
export function failureText(r: CaseResultJson): string {
  const head = `${r.status.toUpperCase()}  ${r.id}`;
  const lines = [head, `  reason:   ${r.reason}`];
  if (r.expectation !== undefined) lines.push(`  expectations file: ${r.expectation}${r.observed ? ` (observed: ${r.observed})` : ''}`);
  const d = r.details;
  if (!d) return lines.join('\n');
  lines.push(`  expected: ${d.expected}`, `  got:      ${d.actual}`);
  if (d.inputs.length > 0) {
    lines.push('  inputs:');
    for (const i of d.inputs) lines.push('    ' + inputLine(i));
  }
  if (d.elements && d.elements.length > 0) {
    const n = d.failedCount ?? d.elements.length;
    lines.push(`  elements outside the accepted interval (${n}${n > d.elements.length ? `, first ${d.elements.length} shown` : ''}):`);
    for (const e of d.elements) {
      lines.push(
        `    [${e.index}] expected ${e.expected} (0x${e.expectedHex})  accepted ${[e, ...(e.more ?? [])].map((m) => `[${m.lo} (0x${m.loHex}), ${m.hi} (0x${m.hiHex})]`).join(' or ')}  got ${e.actual} (0x${e.actualHex})  error ${e.ulpError} ulp`,
      );
    }
  }
  if (d.message !== undefined) {
    const msg = d.message.split('\n');
    lines.push(`  message:  ${msg[0]}`, ...msg.slice(1).map((l) => '            ' + l));
  }
  lines.push(`  rerun:    ${d.rerun}`);
  return lines.join('\n');
}
