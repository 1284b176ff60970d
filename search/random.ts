/**
 * fast-check draws from the suite's own generator (common/prng.ts, xoshiro128**), so a
 * search is determined by its seed alone: run k of seed s draws from a generator seeded
 * with the k-th output of the generator seeded with s. (fast-check's `Random` takes any
 * object with pure-rand 8's generator interface: clone, next, getState.)
 */
import fc from 'fast-check';
import { Xoshiro128ss } from '../common/prng.js';

/** pure-rand 8's RandomGenerator over xoshiro128**: next() is a signed 32-bit integer. */
class XoshiroGenerator {
  constructor(private readonly g: Xoshiro128ss) {}
  clone(): XoshiroGenerator {
    return new XoshiroGenerator(this.g.clone());
  }
  next(): number {
    return this.g.next() | 0;
  }
  getState(): readonly number[] {
    return this.g.state();
  }
}

/** The seeds of successive runs of a search with `seed`. */
export class RunSeeds {
  private readonly g: Xoshiro128ss;
  constructor(seed: number) {
    this.g = new Xoshiro128ss(seed >>> 0);
  }
  next(): number {
    return this.g.next();
  }
}

/** fast-check's random source for one run. */
export function randomFor(runSeed: number): fc.Random {
  return new fc.Random(new XoshiroGenerator(new Xoshiro128ss(runSeed >>> 0)));
}

/**
 * fast-check's bias for run k (0-based), as its own runner sets it: small values and
 * edge cases are favoured more in early runs.
 */
export function biasFor(run: number): number {
  return 2 + Math.floor(Math.log10(run + 1));
}
