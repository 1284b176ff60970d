/**
 * docs/ci.md, the GitHub Actions recipe, stays true to the command line: every
 * `smoothl1 run` in it parses with the real argument parser (matrix values filled in),
 * every option of the other commands it uses is one they document, and the shard count
 * is the same in the matrix, the --shard option and the report-count check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../cli/commands/run.js';
import { ensureBuilt, ROOT, smoothl1 } from '../cases/cli-helpers.js';

const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

/** Shell words of a command line (double and single quotes; no other shell syntax is used in the recipe). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every `npx smoothl1 ...` command: YAML `run:` values (folded blocks joined) and shell lines of the text. */
function commands(): string[][] {
  const out: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*(?:- )?)run: (.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[2].startsWith('>') || m[2].startsWith('|')) {
      // a block scalar: the lines indented deeper than the key
      const block: string[] = [];
      while (i + 1 < lines.length && lines[i + 1].search(/\S/) > m[1].length) block.push(lines[++i].trim());
      out.push(block.join(' '));
    } else out.push(m[2]);
  }
  const prose = doc.replace(/```yaml[\s\S]*?```/, '');
  for (const m of prose.matchAll(/^\s*(npx smoothl1 .*)$/gm)) out.push(m[1]);
  // the matrix value filled in, as GitHub Actions does before the shell sees the line
  return out.filter((c) => c.includes('npx smoothl1')).map((c) => words(c.slice(c.indexOf('npx smoothl1') + 'npx smoothl1'.length).replaceAll('${{ matrix.shard }}', '1')));
}

beforeAll(() => ensureBuilt());

describe('docs/ci.md', () => {
  it('uses smoothl1 run, report merge and expectations update', () => {
    expect(commands().map((c) => c.slice(0, 2).join(' ')).sort()).toEqual(['expectations update', 'report merge', 'run --runner']);
  });

  it('runs smoothl1 run with options its parser accepts', () => {
    for (const argv of commands().filter((c) => c[0] === 'run')) {
      const parsed = parseRunArgs(argv.slice(1));
      expect(parsed).not.toBeNull();
      expect(parsed!.shard).toEqual({ index: 1, count: 4 });
    }
  });

  it('uses only options the other commands document', () => {
    for (const argv of commands().filter((c) => c[0] !== 'run')) {
      const help = smoothl1([argv[0], '--help']).stdout;
      for (const flag of argv.filter((w) => w.startsWith('-'))) expect(help, `${argv.slice(0, 2).join(' ')} ${flag}`).toContain(flag);
    }
  });

  it('has one shard count in the matrix, the --shard option and the report-count check', () => {
    const matrix = /shard: \[([\d, ]+)\]/.exec(yaml)?.[1].split(',').map((s) => Number(s.trim()));
    expect(matrix).toEqual([1, 2, 3, 4]);
    expect(yaml).toContain('--shard ${{ matrix.shard }}/4');
    expect(yaml).toContain('report.json | wc -l)" -eq 4');
  });
});
