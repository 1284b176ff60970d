/**
 * The two stream helpers of the exec runner: lines split across chunks (and chunks
 * holding many lines) come out whole, an endless line is cut off instead of exhausting
 * memory, and the stderr tail stays bounded whatever is written.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../runners/exec/line-splitter.js';
import { TailBuffer } from '../../runners/exec/tail-buffer.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks, splits chunks holding several lines, strips \\r', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), () => {
      throw new Error('no overflow expected');
    });
    for (const c of ['{"a":', '1}\n{"b"', ':2}\r\n\n{"c":3}\n{"d"']) s.push(Buffer.from(c));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
    expect(s.pending()).toBe('{"d"');
  });

  it('keeps multi-byte UTF-8 characters split between chunks intact', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), () => {});
    const bytes = Buffer.from('"é€"\n');
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2, 5));
    s.push(bytes.subarray(5));
    expect(lines).toEqual(['"é€"']);
  });

  it('reports a line that outgrows the limit and drops it', () => {
    const overflows: number[] = [];
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), (n) => overflows.push(n), 1000);
    for (let i = 0; i < 5; i++) s.push(Buffer.alloc(300, 120));
    expect(overflows).toEqual([1200]);
    expect(s.pending().length).toBeLessThan(1000);
  });
});

describe('TailBuffer', () => {
  it('keeps the last bytes of a multi-megabyte stream and says how much was dropped', () => {
    const t = new TailBuffer(1024);
    for (let i = 0; i < 4096; i++) t.push(Buffer.from(`line ${i}\n`.padStart(1024, '.')));
    const text = t.text();
    expect(t.totalBytes).toBe(4096 * 1024);
    expect(text).toMatch(/^\[\.\.\. 4193280 earlier bytes dropped \.\.\.\]\n/);
    expect(text.endsWith('line 4095\n')).toBe(true);
    expect(t.text(10)).toContain('line 4095\n');
  });
});
