/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no network):
 * the verdict and totals, a pass/fail matrix (area x dtype x reduction: common/operator.ts
 * MATRIX), histograms of the ulp error per group (dtype and reduction: histogramGroup),
 * and every unexpected outcome with its details.
 * Rendered from report.json, deterministic like it.
 */
import { histogramGroup, MATRIX } from '../common/operator.js';
import type { CaseResultJson, ReportJson } from '../harness/results.js';
import { failureText } from './text.js';
import { addTo, emptyCounts, runLine, unexpectedResults } from './tables.js';
import type { Counts } from './tables.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px;color:#1d232a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.run{color:#57606a;margin-bottom:12px}
.verdict{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600;margin:8px 0}
.ok{background:#dafbe1;color:#116329}.bad{background:#ffebe9;color:#a40e26}
.totals{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0}
.tot{border:1px solid #d8dee4;border-radius:6px;padding:6px 12px;min-width:90px}
.tot b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d8dee4;padding:3px 8px;text-align:center}
th{background:#f6f8fa;font-weight:600}
td.k{text-align:left;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
td.c-pass{background:#aceebb}td.c-fail{background:#ff8182;font-weight:700}td.c-xfail{background:#fff1a8}td.c-skip{background:#eaeef2;color:#57606a}td.c-none{background:#fff}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #d8dee4}
.hists{display:flex;flex-wrap:wrap;gap:14px}
.hist{border:1px solid #d8dee4;border-radius:6px;padding:6px}
.hist h3{font-size:13px;margin:0 0 2px;font-family:ui-monospace,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid #d8dee4;border-radius:6px;padding:8px;overflow-x:auto;font-size:12px;line-height:1.35;white-space:pre}
details{margin:6px 0}summary{cursor:pointer}
summary code{font-size:13px}
.status{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;background:#ffebe9;color:#a40e26}
.muted{color:#57606a}
`;

function byOrder(order: readonly string[]) {
  return (a: string, b: string) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

function cellClass(c: Counts): string {
  if (c.failed + c.unexpectedPasses > 0) return 'c-fail';
  if (c.expectedFailures > 0) return 'c-xfail';
  if (c.passed === 0 && c.skipped > 0) return 'c-skip';
  return 'c-pass';
}

function matrix(results: readonly CaseResultJson[]): string {
  const { row, subRow, column } = MATRIX;
  const columns = [...new Set(results.map((r) => r[column]))].sort(byOrder(MATRIX.columnOrder));
  const cells = new Map<string, Counts>();
  const failing = new Map<string, string[]>();
  const rowKeys = new Map<string, Set<string>>();
  for (const r of results) {
    const key = `${r[row]}\u0000${r[subRow]}\u0000${r[column]}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = emptyCounts()));
    addTo(c, r.status);
    if (r.status !== 'pass' && r.status !== 'skipped') {
      const l = failing.get(key) ?? [];
      l.push(`${r.id} (${r.status})`);
      failing.set(key, l);
    }
    let subs = rowKeys.get(r[row]);
    if (!subs) rowKeys.set(r[row], (subs = new Set()));
    subs.add(r[subRow]);
  }
  const out = [`<table class="matrix"><thead><tr><th>${row}</th><th>${subRow}</th>`];
  for (const col of columns) out.push(`<th>${escapeHtml(col)}</th>`);
  out.push('</tr></thead><tbody>');
  for (const rowKey of [...rowKeys.keys()].sort()) {
    const subs = [...rowKeys.get(rowKey)!].sort();
    subs.forEach((sub, i) => {
      out.push('<tr>');
      if (i === 0) out.push(`<td class="k" rowspan="${subs.length}">${escapeHtml(rowKey)}</td>`);
      out.push(`<td class="k">${escapeHtml(sub)}</td>`);
      for (const col of columns) {
        const key = `${rowKey}\u0000${sub}\u0000${col}`;
        const c = cells.get(key);
        if (!c) {
          out.push('<td class="c-none"></td>');
          continue;
        }
        const title = (failing.get(key) ?? []).slice(0, 20).join('\n');
        const bad = c.failed + c.unexpectedPasses;
        const checked = c.total - c.skipped;
        const text =
          bad > 0
            ? `${bad} fail / ${c.total}`
            : checked === 0
              ? `${c.skipped} skipped`
              : `${c.passed}/${checked}${c.expectedFailures ? ` (${c.expectedFailures} xfail)` : ''}${c.skipped ? ` +${c.skipped} skipped` : ''}`;
        out.push(`<td class="${cellClass(c)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(text)}</td>`);
      }
      out.push('</tr>');
    });
  }
  out.push('</tbody></table>');
  out.push('<p class="legend"><span class="c-pass" style="background:#aceebb">all pass</span><span style="background:#ff8182">unexpected outcome</span><span style="background:#fff1a8">expected failure</span><span style="background:#eaeef2">skipped</span> cells: passed/checked; hover a cell for the failing case ids</p>');
  return out.join('');
}

/** Histogram bins of the ulp error: exact, then powers of two, then unbounded. */
const BINS: { label: string; max: number }[] = [
  { label: '0', max: 0 },
  { label: '≤½', max: 0.5 },
  { label: '≤1', max: 1 },
  { label: '≤2', max: 2 },
  { label: '≤4', max: 4 },
  { label: '≤16', max: 16 },
  { label: '≤2⁸', max: 256 },
  { label: '>2⁸', max: Infinity },
  { label: '∞', max: NaN },
];

function binOf(u: number | 'inf'): number {
  if (u === 'inf') return BINS.length - 1;
  for (let i = 0; i < BINS.length - 1; i++) if (u <= BINS[i].max) return i;
  return BINS.length - 2;
}

function histogramSvg(ok: number[], bad: number[]): string {
  const W = 300;
  const H = 150;
  const left = 30;
  const bottom = 22;
  const top = 14;
  const barW = (W - left - 6) / BINS.length;
  const max = Math.max(1, ...ok.map((x, i) => x + bad[i]));
  const scale = (H - bottom - top) / max;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">`];
  parts.push(`<line x1="${left}" y1="${H - bottom}" x2="${W - 4}" y2="${H - bottom}" stroke="#57606a"/>`);
  parts.push(`<text x="${left - 4}" y="${top + 4}" font-size="10" text-anchor="end" fill="#57606a">${max}</text><text x="${left - 4}" y="${H - bottom}" font-size="10" text-anchor="end" fill="#57606a">0</text>`);
  BINS.forEach((b, i) => {
    const x = left + i * barW + 2;
    const w = barW - 4;
    const hOk = ok[i] * scale;
    const hBad = bad[i] * scale;
    const yOk = H - bottom - hOk;
    if (ok[i] > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${yOk.toFixed(1)}" width="${w.toFixed(1)}" height="${hOk.toFixed(1)}" fill="#2da44e"><title>${ok[i]} within tolerance, max ulp error ${escapeHtml(b.label)}</title></rect>`);
    if (bad[i] > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${(yOk - hBad).toFixed(1)}" width="${w.toFixed(1)}" height="${hBad.toFixed(1)}" fill="#cf222e"><title>${bad[i]} outside tolerance, max ulp error ${escapeHtml(b.label)}</title></rect>`);
    const n = ok[i] + bad[i];
    if (n > 0) parts.push(`<text x="${(x + w / 2).toFixed(1)}" y="${(yOk - hBad - 3).toFixed(1)}" font-size="10" text-anchor="middle" fill="#1d232a">${n}</text>`);
    parts.push(`<text x="${(x + w / 2).toFixed(1)}" y="${H - bottom + 13}" font-size="10" text-anchor="middle" fill="#57606a">${escapeHtml(b.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function histograms(results: readonly CaseResultJson[]): string {
  const groups = new Map<string, { ok: number[]; bad: number[] }>();
  for (const r of results) {
    if (r.maxUlpError === null) continue;
    const key = histogramGroup(r);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ok: BINS.map(() => 0), bad: BINS.map(() => 0) }));
    const within = r.status === 'pass' || r.status === 'unexpected-pass';
    (within ? g.ok : g.bad)[binOf(r.maxUlpError)]++;
  }
  if (groups.size === 0) return '<p class="muted">No output values were compared.</p>';
  const keys = [...groups.keys()].sort();
  const out = ['<div class="hists">'];
  for (const k of keys) {
    const g = groups.get(k)!;
    const n = g.ok.reduce((a, b) => a + b, 0) + g.bad.reduce((a, b) => a + b, 0);
    out.push(`<div class="hist"><h3>${escapeHtml(k)} <span class="muted">(${n} case${n === 1 ? '' : 's'})</span></h3>${histogramSvg(g.ok, g.bad)}</div>`);
  }
  out.push('</div>');
  out.push('<p class="muted">Largest error per case, in ulps of the output dtype at the expected value; green: within the accepted interval, red: outside.</p>');
  return out.join('');
}

function failureDetails(r: CaseResultJson, open: boolean): string {
  return `<details${open ? ' open' : ''}><summary><span class="status">${escapeHtml(r.status)}</span> <code>${escapeHtml(r.id)}</code> — ${escapeHtml(r.reason)}</summary><pre>${escapeHtml(failureText(r))}</pre></details>`;
}

export function renderHtml(report: ReportJson): string {
  const s = report.summary;
  const unexpected = unexpectedResults(report);
  const title = `SmoothL1Loss conformance — ${report.runner.name} (${report.profile}, ${report.tolerance})`;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No scripts and no external resources: the page is a self-contained artefact.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="run">${escapeHtml(runLine(report))}</div>`,
    unexpected.length === 0 ? '<div class="verdict ok">Conforms: no unexpected outcomes</div>' : `<div class="verdict bad">${unexpected.length} unexpected outcome${unexpected.length === 1 ? '' : 's'}</div>`,
    '<div class="totals">',
  ];
  const tots: [string, number][] = [
    ['total', s.total],
    ['passed', s.passed],
    ['failed', s.failed],
    ['expected failures', s.expectedFailures],
    ['unexpected passes', s.unexpectedPasses],
    ['skipped', s.skipped],
  ];
  for (const [k, v] of tots) out.push(`<div class="tot"><b>${v}</b>${escapeHtml(k)}</div>`);
  out.push('</div>');
  out.push(`<h2 id="matrix">Results by ${MATRIX.row}, ${MATRIX.subRow} and ${MATRIX.column}</h2>`, matrix(report.results));
  out.push('<h2 id="ulp">Ulp error by dtype and reduction</h2>', histograms(report.results));
  out.push(`<h2 id="failures">Unexpected outcomes (${unexpected.length})</h2>`);
  if (unexpected.length === 0) out.push('<p class="muted">None.</p>');
  unexpected.forEach((r, i) => out.push(failureDetails(r, i < 3)));
  const xfail = report.results.filter((r) => r.status === 'expected-failure');
  if (xfail.length > 0) {
    out.push(`<h2>Expected failures (${xfail.length})</h2>`);
    for (const r of xfail) out.push(failureDetails(r, false));
  }
  if (report.expectations && report.expectations.unused.length > 0) {
    out.push(`<p>Expectation entries that matched no case: ${report.expectations.unused.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ')}</p>`);
  }
  out.push(`<details><summary>All ${report.results.length} results</summary><table><thead><tr><th>id</th><th>status</th><th>max ulp</th><th>reason</th></tr></thead><tbody>`);
  for (const r of report.results) {
    out.push(`<tr><td class="k">${escapeHtml(r.id)}</td><td>${escapeHtml(r.status)}</td><td>${r.maxUlpError === null ? '' : escapeHtml(String(r.maxUlpError))}</td><td class="k">${escapeHtml(r.reason)}</td></tr>`);
  }
  out.push('</tbody></table></details>');
  out.push('</body></html>', '');
  return out.join('\n');
}
