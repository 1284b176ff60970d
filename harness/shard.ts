/**
 * Deterministic sharding for parallel CI jobs: `--shard i/n` (1 <= i <= n) keeps the cases
 * whose id hashes to bucket i. The bucket is the first four bytes of sha256(id) as a
 * big-endian uint32, modulo n, plus one. A hash (rather than round-robin over the sorted
 * ids) keeps a case in the same shard when other cases are added or removed, so shard
 * histories stay comparable; with hundreds of cases the buckets are close to even.
 * The shards of one n are disjoint and their union is the whole selection.
 */
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parse "i/n"; returns an error message instead of throwing so the CLI can word it. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must look like i/n (for example 2/4), got '${text}'`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 10000) return `--shard ${text}: n must be between 1 and 10000`;
  if (index < 1 || index > count) return `--shard ${text}: i must be between 1 and n (${count})`;
  return { index, count };
}

/** The 1-based shard a case id belongs to among `count` shards. */
export function shardOf(id: string, count: number): number {
  const h = createHash('sha256').update(id, 'utf8').digest();
  return (h.readUInt32BE(0) % count) + 1;
}

export function inShard(id: string, shard: Shard | null | undefined): boolean {
  return !shard || shardOf(id, shard.count) === shard.index;
}
