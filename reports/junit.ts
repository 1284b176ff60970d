/**
 * junit.xml, rendered from report.json (never from the live run) so a merged report gives
 * the same XML as a single run. One <testsuite> per area, one <testcase> per case:
 * crash and timeout are <error>, other unexpected outcomes (unexpected passes included)
 * are <failure>, expected failures and skipped cases are <skipped> with the reason.
 */
import type { CaseResultJson, ReportJson } from '../harness/results.js';
import { failureText } from './text.js';
import { runLine } from './tables.js';

/** XML 1.0 allows only these code points; anything else (control characters, lone surrogates) is replaced. */
function xmlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

export function escapeXml(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Attribute values keep their line breaks as character references (a parser would normalise raw ones to spaces). */
function attr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : ` time="${(ms / 1000).toFixed(6)}"`;
}

function testcase(r: CaseResultJson, ms: number | undefined): string {
  const open = `    <testcase classname="smoothl1.${attr(r.area)}" name="${attr(r.id)}"${seconds(ms)}`;
  switch (r.status) {
    case 'pass':
      return `${open}/>`;
    case 'skipped':
    case 'expected-failure':
      return `${open}>\n      <skipped message="${attr(`${r.status}: ${r.reason}`)}"/>\n    </testcase>`;
    default: {
      const tag = r.status === 'crash' || r.status === 'timeout' ? 'error' : 'failure';
      return `${open}>\n      <${tag} message="${attr(r.reason)}" type="${attr(r.status)}">${escapeXml(failureText(r))}</${tag}>\n    </testcase>`;
    }
  }
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function count(results: CaseResultJson[], timings: Record<string, number> | undefined): SuiteCounts {
  const c: SuiteCounts = { tests: results.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const r of results) {
    if (r.status === 'crash' || r.status === 'timeout') c.errors++;
    else if (r.status === 'skipped' || r.status === 'expected-failure') c.skipped++;
    else if (r.status !== 'pass') c.failures++;
    c.ms += timings?.[r.id] ?? 0;
  }
  return c;
}

function countAttrs(c: SuiteCounts, timed: boolean): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"${timed ? seconds(c.ms) : ''}`;
}

export function renderJunit(report: ReportJson): string {
  const timings = report.timings?.cases;
  const byArea = new Map<string, CaseResultJson[]>();
  for (const r of report.results) {
    let list = byArea.get(r.area);
    if (!list) byArea.set(r.area, (list = []));
    list.push(r);
  }
  const areas = [...byArea.keys()].sort();
  const name = `smoothl1 ${report.runner.name} profile=${report.profile} tolerance=${report.tolerance}`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${attr(name)}" ${countAttrs(count(report.results, timings), timings !== undefined)}>`];
  for (const area of areas) {
    const rs = byArea.get(area)!;
    out.push(`  <testsuite name="${attr(area)}" ${countAttrs(count(rs, timings), timings !== undefined)}>`);
    out.push(`    <properties>\n      <property name="run" value="${attr(runLine(report))}"/>\n    </properties>`);
    for (const r of rs) out.push(testcase(r, timings?.[r.id]));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
