/**
 * `npm run bench`: runs every benchmark registered in bench/ (each module of this folder
 * registers itself when imported; see bench/benchmarks.ts), prints a table and writes
 * reports/bench.json (machine, Node and figures, keys in a fixed order).
 *
 * options: --only <name> (repeatable), --elements <n> (default 10000000), --repeats <n>
 * (default 15), --warmup <n> (default 3), --out <file> (default reports/bench.json).
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, arch, availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot, readSpecJson } from '../common/spec-data.js';
import { writeFileAtomic } from '../reports/atomic-write.js';
import { parseOptions, UsageError } from '../cli/usage.js';
import { benchmarks } from './benchmarks.js';
import type { BenchContext, BenchResult } from './benchmarks.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Import every module of bench/ (sorted, so registration order is stable); each registers its benchmarks. */
async function loadBenchmarks(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.js') && join(here, f) !== self)
    .sort();
  for (const f of files) await import(pathToFileURL(join(here, f)).href);
}

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^[1-9][0-9]*$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be a positive whole number, got '${v}'`);
  return Number(v);
}

function table(results: BenchResult[]): string {
  const rows: [string, string, string][] = [['benchmark', 'metric', 'value']];
  for (const r of results) {
    if (r.skipped !== undefined) rows.push([r.name, 'skipped', r.skipped]);
    for (const f of r.figures) rows.push([r.name, f.metric, f.value === null ? `n/a${f.note ? ` (${f.note})` : ''}` : `${f.value} ${f.unit}`]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r, i) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}` + (i === 0 ? `\n${'-'.repeat(w0)}  ${'-'.repeat(w1)}  -----` : '')).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { options: o, positionals } = parseOptions(argv, {
    only: { type: 'string', multiple: true },
    elements: { type: 'string' },
    repeats: { type: 'string' },
    warmup: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write('usage: npm run bench -- [--only <name>]... [--elements <n>] [--repeats <n>] [--warmup <n>] [--out <file>]\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`bench takes no positional arguments, got '${positionals[0]}'`);
  const root = packageRoot();
  const ctx: BenchContext = {
    root,
    elements: positiveInt('elements', o.elements as string | undefined, 10_000_000),
    repeats: positiveInt('repeats', o.repeats as string | undefined, 15),
    warmup: o.warmup === '0' ? 0 : positiveInt('warmup', o.warmup as string | undefined, 3),
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  };
  await loadBenchmarks();
  const known = benchmarks.map((b) => b.name);
  const only = (o.only as string[] | undefined) ?? [];
  for (const name of only) if (!known.includes(name)) throw new UsageError(`--only: unknown benchmark '${name}'; known: ${known.join(', ')}`);
  const selected = [...benchmarks]
    .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((b) => only.length === 0 || only.includes(b.name));

  // Other processes skew timings on a shared machine: the load average says how much.
  const loadBefore = loadavg()[0];
  const results: BenchResult[] = [];
  for (const b of selected) {
    ctx.log(`${b.name}: ${b.description}`);
    try {
      results.push(await b.run(ctx));
    } catch (e) {
      // One broken benchmark must not hide the others' figures; the report says what failed.
      results.push({ name: b.name, description: b.description, setup: {}, figures: [], skipped: `failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  const cpu = cpus();
  const report = {
    format: 'smoothl1-bench/1',
    tool: { name: 'smoothl1-conformance', version: readSpecJson<{ version: string }>('package.json').version },
    generatedAt: new Date().toISOString(),
    machine: {
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      logicalCpus: availableParallelism(),
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      platform: platform(),
      arch: arch(),
      loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
      loadAverage1mAfter: Math.round(loadavg()[0] * 100) / 100,
    },
    node: process.version,
    options: { elements: ctx.elements, repeats: ctx.repeats, warmup: ctx.warmup, only },
    results: results.map((r) => ({
      name: r.name,
      description: r.description,
      ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
      setup: r.setup,
      figures: r.figures.map((f) => ({ metric: f.metric, value: f.value, unit: f.unit, ...(f.note !== undefined ? { note: f.note } : {}) })),
    })),
  };
  const out = resolve(root, (o.out as string | undefined) ?? join('reports', 'bench.json'));
  writeFileAtomic(out, dirname(out), out.slice(dirname(out).length + 1), JSON.stringify(report, null, 2) + '\n');
  const load = `load average (1 min) ${report.machine.loadAverage1mBefore} before, ${report.machine.loadAverage1mAfter} after, on ${report.machine.logicalCpus} logical CPUs`;
  process.stdout.write(table(results) + `\n\n${load}\nwritten: ${out}\n`);
  return results.some((r) => r.skipped?.startsWith('failed:')) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof UsageError ? '' : 'internal error: '}${e instanceof Error ? (e instanceof UsageError ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 3;
  },
);
