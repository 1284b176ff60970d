/**
 * report.html in a real browser: headless Chromium loads the file (no network: the page
 * must be self-contained), its DOM must hold the matrix, the SVG histograms and the
 * failures, and a screenshot must come out. When Chromium is absent the test says so
 * loudly and skips; with SMOOTHL1_REQUIRE_CHROMIUM=1 (CI) it fails instead.
 * Set SMOOTHL1_KEEP_HTML=<dir> to keep the page and its screenshot for a human look.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html.js';
import { sampleReport } from './sample-report.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
const chromium = CANDIDATES.find((p) => existsSync(p));
const required = process.env.SMOOTHL1_REQUIRE_CHROMIUM === '1';

if (!chromium && !required) {
  process.stderr.write(
    '\n*** SKIPPED: report.html browser test: no Chromium found (' + CANDIDATES.join(', ') + ').\n' +
      '*** Install it with `apt-get install -y chromium`, or set SMOOTHL1_REQUIRE_CHROMIUM=1 to make this a failure. ***\n\n',
  );
}

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chromiumArgs(profileDir: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profileDir}`];
}

describe.skipIf(!chromium && !required)('report.html in headless Chromium', () => {
  it('Chromium is available', () => {
    expect(chromium, 'SMOOTHL1_REQUIRE_CHROMIUM=1 but no Chromium found at ' + CANDIDATES.join(', ')).toBeDefined();
  });

  it('renders: DOM holds the matrix, histograms and failures; a screenshot is produced', () => {
    const page = join(dir, 'report.html');
    writeFileSync(page, renderHtml(sampleReport()));
    const dom = execFileSync(chromium!, [...chromiumArgs(mkdtempSync(join(dir, 'p1-'))), '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    // The browser's DOM, not our string: the parser accepted the structure.
    expect(dom).toMatch(/<table class="matrix">/);
    expect((dom.match(/<svg\b/g) ?? []).length).toBe(4);
    expect((dom.match(/<rect\b/g) ?? []).length).toBeGreaterThan(3);
    expect(dom).toContain('dtypes/float32-mean');
    expect(dom).toContain('5 unexpected outcomes');
    const shot = join(dir, 'report.png');
    execFileSync(chromium!, [...chromiumArgs(mkdtempSync(join(dir, 'p2-'))), `--screenshot=${shot}`, '--window-size=1400,1800', `file://${page}`], { timeout: 60_000, stdio: 'ignore' });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // PNG IHDR: width and height as requested.
    expect(png.readUInt32BE(16)).toBe(1400);
    expect(png.readUInt32BE(20)).toBe(1800);
    expect(statSync(shot).size).toBeGreaterThan(20_000); // not a blank page
    const keep = process.env.SMOOTHL1_KEEP_HTML;
    if (keep) {
      copyFileSync(page, join(keep, 'report.html'));
      copyFileSync(shot, join(keep, 'report.png'));
    }
  });
});
