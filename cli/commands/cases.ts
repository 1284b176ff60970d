/**
 * `smoothl1 cases validate|list|show`: check the corpus, list cases (selected exactly as
 * `smoothl1 run` selects them: --filter repeated means and, commas or; --shard) and print
 * one case readably (inputs in decimal and hex, the expected outcome per profile).
 * Exit codes (cli/exit-codes.ts): 0 done, 1 an invalid corpus, 2 usage error.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { floatFormat } from '../../common/float-format.js';
import { formatDecimal } from '../../common/number-format.js';
import { ARG_NAMES } from '../../common/operator.js';
import { isFloatDType } from '../../common/spec-data.js';
import { numel, tensorToHex } from '../../common/tensor.js';
import type { LoadedCase, OutcomeJson, TensorJson, ValueJson } from '../../common/types.js';
import { inspectCorpus, defaultCasesDir, formatProblem, materializeTensor } from '../../harness/cases/index.js';
import { storedOutcomeProblems } from '../../harness/stored-outcomes.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { loadCorpusOption, selectedCases, shardOption } from '../options.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 cases <subcommand> [options]

subcommands:
  validate [--cases <d>]                       check every case file (schema, then its stored outcomes against
                                               the oracle); lists every problem and ignored file (exit 1 if any problem)
  list [--json] [--filter <f>]... [--shard <i/n>] [--cases <d>]
                                               id, profiles and tags of the cases 'smoothl1 run'
                                               would run with the same --filter and --shard
  show <id> [--json] [--cases <d>]             one case: inputs in decimal and hex, expected outcome per profile

--cases <d> is the corpus folder (default: the package's cases/), as for 'smoothl1 run';
--dir is an older name for it.

A filter is a case-id glob ('*' within a folder, '**' across folders), a folder name or a
tag from spec/tags.json ('dtype:*' globs tags); commas mean "or", a repeated --filter
"and". A filter that matches no case is a usage error, as for 'smoothl1 run'.

${exitCodesHelp('done (validate: every case file valid)', 'an invalid case file or corpus')}`;
}

/** The options every cases subcommand takes: the corpus folder, as --cases (the name `run` uses) or its older alias --dir. */
const CORPUS_OPTIONS = { cases: { type: 'string' }, dir: { type: 'string' } } as const;

function corpusDir(options: Record<string, string | boolean | string[]>): string {
  if (options.cases !== undefined && options.dir !== undefined) throw new UsageError('give the corpus folder once: --cases (or its older name --dir), not both');
  const opt = options.cases ?? options.dir;
  const dir = typeof opt === 'string' ? resolve(opt) : defaultCasesDir();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--cases: no such folder ${dir}`);
  return dir;
}

function validate(argv: string[]): number {
  const { options, positionals } = parseOptions(argv, { ...CORPUS_OPTIONS });
  if (positionals.length) throw new UsageError(`cases validate takes no arguments (got '${positionals[0]}')`);
  const dir = corpusDir(options);
  const { checks, ignored } = inspectCorpus(dir);
  // Schema-valid cases: their stored outcomes must be the ones the oracle derives.
  for (const c of checks) if (c.case) c.problems.push(...storedOutcomeProblems(c.case));
  for (const i of ignored) if (!i.expected) process.stdout.write(`ignored: ${i.path} (${i.why})\n`);
  let bad = 0;
  let problems = 0;
  for (const c of checks) {
    if (!c.problems.length) continue;
    bad++;
    problems += c.problems.length;
    for (const p of c.problems) process.stdout.write(formatProblem(p) + '\n');
  }
  if (checks.length === 0) throw new UsageError(`the corpus folder ${dir} holds no case files`);
  process.stdout.write(bad ? `${bad} of ${checks.length} case files invalid, ${problems} problem(s)\n` : `${checks.length} case files valid\n`);
  return bad ? EXIT.failed : EXIT.ok;
}

function list(argv: string[]): number {
  const { options, positionals } = parseOptions(argv, { ...CORPUS_OPTIONS, json: { type: 'boolean' }, filter: { type: 'string', multiple: true }, shard: { type: 'string' } });
  if (positionals.length) throw new UsageError(`cases list takes no arguments (got '${positionals[0]}'); use --filter`);
  const shard = shardOption(options.shard as string | undefined);
  const cases = loadCorpusOption(corpusDir(options), { consequence: "nothing was listed (see 'smoothl1 cases validate')" });
  if (!cases) return EXIT.failed;
  const selected = selectedCases(cases, (options.filter as string[] | undefined) ?? [], shard);
  if (options.json) {
    process.stdout.write(JSON.stringify(selected.map((c) => ({ id: c.id, title: c.title, profiles: c.profiles, tags: c.tags })), null, 2) + '\n');
    return EXIT.ok;
  }
  const w = Math.max(2, ...selected.map((c) => c.id.length));
  for (const c of selected) process.stdout.write(`${c.id.padEnd(w)}  ${c.profiles.join(',').padEnd(14)}  ${c.tags.join(' ')}\n`);
  process.stdout.write(`${selected.length} of ${cases.length} cases\n`);
  return EXIT.ok;
}

/** Lines describing one tensor's elements: index, decimal, hex. Long tensors are elided in the middle. */
function tensorLines(t: TensorJson, indent: string, limit = 16): string[] {
  const lines: string[] = [];
  const n = numel(t.shape);
  let hex: string[];
  let dec: string[];
  if (t.generate) {
    const g = t.generate;
    lines.push(`${indent}generated: ${g.prng} seed ${g.seed}, ${g.distribution}${g.distribution === 'uniform' ? ` [${g.a}, ${g.b})` : ''}`);
    const tensor = materializeTensor(t);
    const f = floatFormat(t.dtype as never);
    hex = tensorToHex(tensor);
    dec = hex.map((h) => formatDecimal(t.dtype as never, f.decode(f.fromHex(h))));
  } else {
    hex = t.bits ?? [];
    if (isFloatDType(t.dtype)) {
      const f = floatFormat(t.dtype);
      const d = t.dtype;
      dec = hex.map((h) => formatDecimal(d, f.decode(f.fromHex(h))));
    } else dec = t.decimal ?? hex.map(() => '');
  }
  const show = (i: number) => lines.push(`${indent}[${i}] ${dec[i].padEnd(24)} ${hex[i]}`);
  if (n <= limit) for (let i = 0; i < n; i++) show(i);
  else {
    for (let i = 0; i < limit / 2; i++) show(i);
    lines.push(`${indent}... ${n - limit} more ...`);
    for (let i = n - limit / 2; i < n; i++) show(i);
  }
  return lines;
}

function valueLines(name: string, v: ValueJson | undefined): string[] {
  if (v === undefined) return [`  ${name}: (absent: the operator's default)`];
  switch (v.type) {
    case 'tensor':
      return [`  ${name}: tensor ${v.tensor.dtype} shape [${v.tensor.shape.join(', ')}] (${numel(v.tensor.shape)} elements)`, ...tensorLines(v.tensor, '    ')];
    case 'float':
      return [`  ${name}: float ${v.value}`];
    case 'int':
      return [`  ${name}: int ${v.value}`];
    case 'bool':
      return [`  ${name}: bool ${v.value ? 'True' : 'False'}`];
    case 'str':
      return [`  ${name}: str ${JSON.stringify(v.value)}`];
    case 'none':
      return [`  ${name}: None`];
    case 'list':
      return [`  ${name}: list ${JSON.stringify(v.value)}`];
  }
}

function outcomeLines(o: OutcomeJson, indent: string): string[] {
  const lines: string[] = [];
  if ('output' in o) {
    const e = o.output;
    lines.push(`${indent}output ${e.dtype} shape [${e.shape.join(', ')}]${e.bits ? '' : ' (values computed by the oracle at run time)'}`);
    if (e.bits) lines.push(...tensorLines({ dtype: e.dtype, shape: e.shape, bits: e.bits }, indent + '  '));
  } else if ('error' in o) lines.push(`${indent}error ${o.error === 'any' ? 'of any type' : o.error}${o.kind ? ` (${o.kind})` : ''}`);
  else {
    lines.push(`${indent}any one of:`);
    for (const a of o.anyOf) lines.push(...outcomeLines(a, indent + '  '));
  }
  if (o.note) lines.push(`${indent}note: ${o.note}`);
  return lines;
}

function show(argv: string[]): number {
  const { options, positionals } = parseOptions(argv, { ...CORPUS_OPTIONS, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('cases show needs exactly one case id (see smoothl1 cases list)');
  const cases = loadCorpusOption(corpusDir(options), { consequence: "nothing was shown (see 'smoothl1 cases validate')" });
  if (!cases) return EXIT.failed;
  const id = positionals[0].replace(/\.json$/, '').replace(/^cases\//, '');
  const c = cases.find((x) => x.id === id);
  if (!c) {
    const near = cases.filter((x) => x.id.includes(id.split('/').pop() ?? id)).slice(0, 5).map((x) => x.id);
    throw new UsageError(`no case '${id}'${near.length ? `; similar: ${near.join(', ')}` : ''}`);
  }
  if (options.json) {
    const { file: _file, ...rest } = c;
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
    return EXIT.ok;
  }
  const lines = [`${c.id}: ${c.title}`, `file: ${c.file}`];
  if (c.description) lines.push('', c.description);
  lines.push('', `tags: ${c.tags.join(' ')}`, `profiles: ${c.profiles.join(', ')}`, '', 'inputs:');
  for (const k of ARG_NAMES) lines.push(...valueLines(k, c.inputs[k]));
  lines.push('', 'expected:');
  for (const p of c.profiles) {
    lines.push(`  ${p}:`);
    lines.push(...outcomeLines(c.expected[p] as OutcomeJson, '    '));
  }
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(usage() + '\n');
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  switch (sub) {
    case 'validate':
      return validate(rest);
    case 'list':
      return list(rest);
    case 'show':
      return show(rest);
    default:
      throw new UsageError(`unknown subcommand 'cases ${sub}' (expected validate, list or show)`);
  }
}
