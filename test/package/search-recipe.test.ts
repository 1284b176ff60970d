/**
 * docs/search.md, the fuzz and sweep workflows, stays true to the command line: every
 * `smoothl1 fuzz` and `smoothl1 sweep` in it parses with the real argument parser (matrix
 * values filled in), `report merge` uses only options it documents, and the sweep's shard
 * count is the same in the matrix, the --shard option and the report-count check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFuzzArgs } from '../../cli/commands/fuzz.js';
import { parseSweepArgs } from '../../cli/commands/sweep.js';
import { ensureBuilt, ROOT, smoothl1 } from '../cases/cli-helpers.js';

const doc = readFileSync(join(ROOT, 'docs', 'search.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every `npx smoothl1 ...` of a workflow's `run:` values (folded blocks joined), the matrix value filled in. */
function commands(yaml: string): string[][] {
  const out: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*(?:- )?)run: (.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[2].startsWith('>') || m[2].startsWith('|')) {
      const block: string[] = [];
      while (i + 1 < lines.length && lines[i + 1].search(/\S/) > m[1].length) block.push(lines[++i].trim());
      out.push(block.join(' '));
    } else out.push(m[2]);
  }
  return out.filter((c) => c.includes('npx smoothl1')).map((c) => words(c.slice(c.indexOf('npx smoothl1') + 'npx smoothl1'.length).replaceAll('${{ matrix.shard }}', '1')));
}

beforeAll(() => ensureBuilt());

describe('docs/search.md', () => {
  it('has a fuzz workflow and a sweep workflow with a merge', () => {
    expect(blocks).toHaveLength(2);
    expect(commands(blocks[0]).map((c) => c[0])).toEqual(['fuzz']);
    expect(commands(blocks[1]).map((c) => c.slice(0, 2).join(' '))).toEqual(['sweep --dtype', 'report merge']);
  });

  it('runs fuzz and sweep with options their parsers accept', () => {
    const fuzz = parseFuzzArgs(commands(blocks[0])[0].slice(1));
    expect(fuzz).toMatchObject({ runner: 'exec', timeLimitS: 1200, runs: null });
    const sweep = parseSweepArgs(commands(blocks[1])[0].slice(1));
    expect(sweep).toMatchObject({ dtype: 'float16', beta: { type: 'float', value: 1 }, shard: { index: 1, count: 16 } });
  });

  it('uses only options report merge documents', () => {
    const merge = commands(blocks[1]).find((c) => c[0] === 'report')!;
    const help = smoothl1(['report', '--help']).stdout;
    for (const flag of merge.filter((w) => w.startsWith('-'))) expect(help).toContain(flag);
  });

  it('has one shard count in the matrix, the --shard option and the report-count check', () => {
    const matrix = /shard: \[([\d, ]+)\]/.exec(blocks[1])?.[1].split(',').map((s) => Number(s.trim()));
    expect(matrix).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(blocks[1]).toContain('--shard ${{ matrix.shard }}/16');
    expect(blocks[1]).toContain('report.json | wc -l)" -eq 16');
  });
});
