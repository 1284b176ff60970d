/**
 * The benchmark registry of `npm run bench`. A benchmark is a module in bench/ that pushes
 * itself onto `benchmarks` when imported; bench/main.ts imports every module of this folder,
 * so adding a benchmark means adding one file (bench/<name>.ts), nothing else.
 */

/** One measured number. `value` is null when it could not be measured (see `note`). */
export interface BenchFigure {
  metric: string;
  value: number | null;
  unit: string;
  note?: string;
}

export interface BenchResult {
  name: string;
  description: string;
  figures: BenchFigure[];
  /** Free-form facts about the setup (thread counts, sizes, versions) in a fixed key order. */
  setup: Record<string, string | number | boolean>;
  /** Set when the benchmark could not run here; figures are then empty. */
  skipped?: string;
}

export interface BenchContext {
  /** The package root; dist/ holds the build. */
  root: string;
  /** Timed repetitions per measurement (the median is reported). */
  repeats: number;
  /** Untimed runs before timing. */
  warmup: number;
  /** Elements of the synthetic tensors of throughput benchmarks. */
  elements: number;
  /** Progress lines (stderr), not part of the report. */
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Smaller runs first; ties by name. */
  order: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Benchmarks registered so far (bench/main.ts sorts them by order, then name). */
export const benchmarks: Benchmark[] = [];

export function registerBenchmark(b: Benchmark): void {
  if (benchmarks.some((x) => x.name === b.name)) throw new Error(`bench: two benchmarks are named '${b.name}'`);
  benchmarks.push(b);
}

/** Min and median of samples. */
export interface Spread {
  minMs: number;
  medianMs: number;
  samplesMs: number[];
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { minMs: sorted[0], medianMs: sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, samplesMs: samples };
}

/**
 * Time several sides of a comparison with their repetitions interleaved (side A, side B,
 * side A, ... rather than every A and then every B), so a change in the machine's load
 * during the run hits every side alike; `warmup` untimed rounds first. Per side: min and
 * median in milliseconds, and the samples.
 */
export async function timeInterleaved<K extends string>(sides: Record<K, () => unknown>, warmup: number, repeats: number): Promise<Record<K, Spread>> {
  const names = Object.keys(sides) as K[];
  for (let i = 0; i < warmup; i++) for (const k of names) await sides[k]();
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < repeats; i++) {
    for (const k of names) {
      const t0 = process.hrtime.bigint();
      await sides[k]();
      samples[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries(names.map((k) => [k, spread(samples[k])])) as Record<K, Spread>;
}

/** Median of timed runs of fn after `warmup` untimed runs, in milliseconds, with all samples. */
export async function timeMedian(fn: () => unknown, warmup: number, repeats: number): Promise<{ medianMs: number; samplesMs: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs, samplesMs: samples };
}

/** Round to a number of significant digits, so the report does not carry timer noise digits. */
export function sig(x: number, digits = 4): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}
