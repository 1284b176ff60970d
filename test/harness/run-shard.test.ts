/**
 * Sharding: for any n the shards are disjoint and their union is the whole selection; a
 * case's shard depends only on its id (adding cases moves nothing); bad --shard values
 * are rejected with a clear message.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inShard, parseShard, shardOf } from '../../harness/shard.js';

const ids = Array.from({ length: 500 }, (_, i) => `area${i % 7}/case-${i}`);

describe('sharding', () => {
  it('shards are disjoint and cover everything, for n = 1..9', () => {
    for (let n = 1; n <= 9; n++) {
      const seen = new Map<string, number>();
      for (let i = 1; i <= n; i++) for (const id of ids.filter((x) => inShard(x, { index: i, count: n }))) {
        expect(seen.has(id), `${id} in two shards of ${n}`).toBe(false);
        seen.set(id, i);
      }
      expect(seen.size).toBe(ids.length);
    }
  });

  it('is documented as sha256(id)[0..4] big-endian mod n, 1-based (checked independently)', () => {
    for (const id of ids.slice(0, 50)) {
      const h = createHash('sha256').update(id).digest('hex');
      expect(shardOf(id, 5)).toBe((parseInt(h.slice(0, 8), 16) % 5) + 1);
    }
  });

  it('a case stays in its shard when other cases are added (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.string()), fc.integer({ min: 1, max: 16 }), (id, others, n) => {
        const before = shardOf(id, n);
        others.forEach((o) => shardOf(o, n));
        return shardOf(id, n) === before && before >= 1 && before <= n;
      }),
    );
  });

  it('shards of a few hundred cases are roughly even', () => {
    const counts = [1, 2, 3, 4].map((i) => ids.filter((x) => inShard(x, { index: i, count: 4 })).length);
    for (const c of counts) expect(c).toBeGreaterThan(90); // 125 on average
  });

  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('0/4')).toMatch(/i must be between 1 and n/);
    expect(parseShard('5/4')).toMatch(/i must be between 1 and n/);
    expect(parseShard('1/0')).toMatch(/n must be between/);
    expect(parseShard('a/b')).toMatch(/must look like i\/n/);
    expect(parseShard('2')).toMatch(/must look like i\/n/);
    expect(inShard('x', null)).toBe(true);
  });
});
