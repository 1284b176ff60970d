/**
 * The report writers on a hand-written report: report.json validates against
 * spec/report.schema.json (and broken ones do not), junit.xml is well-formed XML with the
 * right counts and escaping, report.md and report.html show the verdict, the tables and
 * every unexpected failure, and writes are atomic.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../harness/results.js';
import { summarize } from '../../harness/results.js';
import { parseFormats, renderReports, writeReports } from '../../reports/index.js';
import { parseReport, renderJson, reportProblems } from '../../reports/json.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderHtml } from '../../reports/html.js';
import { checkXml } from './xml-check.js';
import type { XmlElement } from './xml-check.js';
import { sampleReport } from './sample-report.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report.json', () => {
  it('the sample validates and its hand-counted summary matches summarize()', () => {
    const r = sampleReport();
    expect(reportProblems(JSON.parse(renderJson(r)))).toEqual([]);
    expect(summarize(r.results)).toEqual(r.summary);
  });

  it('rejects reports that break the schema, naming the field', () => {
    const noSummary = JSON.parse(renderJson(sampleReport())) as Record<string, unknown>;
    delete noSummary.summary;
    expect(reportProblems(noSummary).join('\n')).toMatch(/summary/);
    const badStatus = JSON.parse(renderJson(sampleReport()));
    badStatus.results[0].status = 'passed';
    expect(reportProblems(badStatus).join('\n')).toMatch(/\/results\/0\/status/);
    const badHash = JSON.parse(renderJson(sampleReport()));
    badHash.corpusHash = 'xyz';
    expect(reportProblems(badHash).join('\n')).toMatch(/corpusHash/);
    expect(() => parseReport('r.json', '{not json')).toThrow(/r\.json: not valid JSON/);
    expect(() => parseReport('r.json', JSON.stringify(badStatus))).toThrow(/r\.json: not a valid report\.json[\s\S]*status/);
  });

  it('renders the same bytes for the same report', () => {
    expect(renderJson(sampleReport(false))).toBe(renderJson(sampleReport(false)));
    expect(renderJson(sampleReport(false))).not.toContain('timings');
  });
});

function all(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}

describe('junit.xml', () => {
  const xml = renderJunit(sampleReport());
  const { problems, root } = checkXml(xml);

  it('is well-formed XML', () => {
    expect(problems).toEqual([]);
    expect(root!.name).toBe('testsuites');
  });

  it('the checker itself rejects broken XML', () => {
    expect(checkXml('<a><b></a>').problems.length).toBeGreaterThan(0);
    expect(checkXml('<a x="1 & 2"/>').problems.length).toBeGreaterThan(0);
    expect(checkXml('<a>]]></a>').problems.length).toBeGreaterThan(0);
    expect(checkXml('<a>\u0001</a>').problems.length).toBeGreaterThan(0);
  });

  it('has one suite per area with counts matching the results', () => {
    const suites = all(root!, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['beta', 'dtypes', 'errors', 'large', 'precision', 'shapes']);
    const errors = suites.find((s) => s.attrs.name === 'errors')!;
    // errors/<&"quote's"> is a wrong-error-type (failure), errors/crashy a crash (error).
    expect(errors.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1', skipped: '0' });
    const precision = suites.find((s) => s.attrs.name === 'precision')!;
    // expected failure -> skipped; unexpected pass -> failure
    expect(precision.attrs).toMatchObject({ tests: '2', failures: '1', skipped: '1' });
    expect(root!.attrs).toMatchObject({ tests: '9', failures: '3', errors: '2', skipped: '2' });
  });

  it('escapes ids, reasons and messages and keeps the failure text', () => {
    const cases = all(root!, 'testcase');
    const odd = cases.find((c) => c.attrs.name === 'errors/<&"quote\'s">');
    expect(odd).toBeDefined();
    const failure = odd!.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.type).toBe('wrong-error-type');
    // The control character U+0001 is not allowed in XML: replaced, not dropped silently.
    expect(failure.attrs.message).toBe('expected error ValueError (shape-mismatch), got IndexError: bad <index> & "stuff"\uFFFD');
    expect(failure.text).toContain('line <two> & ]]>');
    const wrong = cases.find((c) => c.attrs.name === 'dtypes/float32-mean')!;
    const body = wrong.children[0].text;
    expect(body).toContain('expected 0.16666666666666666 (0x3e2aaaab)');
    expect(body).toContain("--filter 'dtypes/float32-mean'");
    expect(wrong.attrs.time).toBe('0.002250'); // 3rd result: 2.25 ms = 0.00225 s
  });
});

describe('report.md', () => {
  const md = renderMarkdown(sampleReport());
  it('states the verdict, totals and the table by area', () => {
    expect(md).toMatch(/^## SmoothL1Loss conformance: ❌ 5 unexpected outcomes/);
    expect(md).toContain('| 9 | 2 | 4 | 1 | 1 | 1 |');
    expect(md).toMatch(/\| errors \| 2 \| 0 \| \*\*2\*\* \|/);
  });
  it('shows every unexpected outcome with details, collapsing beyond five, and expected failures collapsed', () => {
    for (const id of ['dtypes/float32-mean', 'errors/crashy', 'large/hang', 'precision/fixed']) expect(md).toContain(id);
    expect(md).toContain('accepted [0.16666665 (0x3e2aaaaa), 0.16666667 (0x3e2aaaab)]');
    expect(md).toMatch(/<details><summary>1 expected failure/);
    const many: ReportJson = sampleReport();
    many.results = Array.from({ length: 8 }, (_, i) => ({ ...many.results[2], id: `dtypes/case-${i}` }));
    many.summary = summarize(many.results);
    expect(renderMarkdown(many)).toContain('<details><summary>3 more unexpected outcomes</summary>');
  });
  it('a clean run says so', () => {
    const ok = sampleReport();
    ok.results = ok.results.filter((r) => r.status === 'pass');
    ok.summary = summarize(ok.results);
    expect(renderMarkdown(ok)).toMatch(/✅ conforms/);
  });
});

describe('report.html', () => {
  const html = renderHtml(sampleReport());
  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    // The only URL is the SVG namespace name, which is never fetched.
    expect([...html.matchAll(/https?:\/\/[^\s"']+/g)].map((m) => m[0]).every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });
  it('has the matrix, one histogram per dtype and reduction with values, and the failures', () => {
    expect(html).toContain('<table class="matrix">');
    // results with a maxUlpError: float32/default, float16/sum (x1 pass), float32/mean, float16/sum (xfail), bfloat16/none
    expect(html.match(/<svg /g)!.length).toBe(4);
    expect(html).toContain('float16 · sum <span class="muted">(2 cases)</span>');
    expect(html).toContain('errors/&lt;&amp;&quot;quote&#39;s&quot;&gt;');
    expect(html).toContain('5 unexpected outcomes');
  });
});

describe('writing', () => {
  it('parses --formats', () => {
    expect(parseFormats('md,json')).toEqual(['json', 'md']);
    expect(parseFormats('json,pdf')).toMatch(/unknown format 'pdf'/);
    expect(parseFormats('')).toMatch(/at least one/);
  });

  it('writes the chosen formats and leaves no temporary files', () => {
    const out = join(dir, 'a');
    writeReports(out, sampleReport(), ['json', 'junit', 'md', 'html']);
    expect(readdirSync(out).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(renderJson(sampleReport()));
  });

  it('a failure while rendering leaves the previous reports untouched', () => {
    const out = join(dir, 'b');
    writeReports(out, sampleReport(), ['json', 'md']);
    const before = readFileSync(join(out, 'report.json'), 'utf8');
    const broken = sampleReport();
    // A result without details but with a status whose text rendering needs them is fine;
    // a null result list makes every renderer throw, after the JSON renderer succeeded.
    (broken as unknown as { results: unknown }).results = { length: 1 };
    expect(() => writeReports(out, broken, ['json', 'md'])).toThrow();
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).sort()).toEqual(['report.json', 'report.md']);
  });

  it('a failure while writing leaves no partial file behind', () => {
    const out = join(dir, 'c');
    writeFileSync(join(dir, 'c'), 'not a folder');
    expect(() => writeReports(out, sampleReport(), ['json'])).toThrow();
    const files = renderReports(sampleReport(), ['json']);
    expect(files[0].name).toBe('report.json');
  });
});
