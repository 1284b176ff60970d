/**
 * `smoothl1 oracle <file.json>`: what the spec requires for a call described in the case
 * format (a whole case, or just its "inputs" object): per profile the expected outcome
 * and, for outputs, the correctly rounded values and the accepted interval per element at
 * the chosen tolerance level, in decimal and hex.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDecimal, formatHex } from '../../common/number-format.js';
import { isToleranceLevel, profileNames, toleranceLevels, tolerancesSpec } from '../../common/spec-data.js';
import type { CallArgs, CaseInputsJson, FloatDType, OutcomeJson, ProfileName, ToleranceLevel } from '../../common/types.js';
import { caseProblems, formatProblem, parseStrictJson, materialize, type CaseProblem } from '../../harness/cases/index.js';
import type { ElementFailureJson } from '../../harness/results.js';
import { acceptance, computeReference, expectOutcome } from '../../oracle/index.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 oracle <file.json> [options]

Prints what the spec requires for the call in <file.json>: a case file, or a JSON object
with the case format's "inputs" (logits, labels, beta?, reduction?).

options:
  --profile <p>      ${profileNames().join('|')} (default: the case's profiles, or all)
  --tolerance <t>    ${toleranceLevels().join('|')} (default ${tolerancesSpec().default})
  --limit <n>        print at most n elements per output (default 32; 0 = all)
  --json             machine-readable output

${exitCodesHelp('printed', 'the file is not a valid case or inputs object')}`;
}

/** Reads and validates the file: a case, or a bare inputs object (validated as a case's inputs). */
function readInputs(file: string): { inputs: CaseInputsJson; profiles?: ProfileName[] } | CaseProblem[] {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${(e as Error).message}`);
  }
  const parsed = parseStrictJson(bytes);
  if (!parsed.ok) return [{ file, pointer: parsed.pointer, message: parsed.message }];
  const doc = parsed.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [{ file, pointer: '', message: 'expected a JSON object: a case, or an inputs object with logits and labels' }];
  if ('inputs' in doc) {
    const problems = caseProblems(file, doc);
    if (problems.length) return problems;
    const c = doc as { inputs: CaseInputsJson; profiles: ProfileName[] };
    return { inputs: c.inputs, profiles: c.profiles };
  }
  // A bare inputs object: validate it as the inputs of a minimal case, then map the
  // pointers back to the file's own structure.
  const wrapped = { title: 'oracle input', tags: ['hand'], profiles: ['cpu'], inputs: doc, expected: { cpu: { error: 'any' } } };
  const problems = caseProblems(file, wrapped)
    .filter((p) => p.pointer.startsWith('/inputs') || p.pointer === '')
    .map((p) => ({ ...p, pointer: p.pointer.replace(/^\/inputs/, '') }));
  if (problems.length) return problems;
  return { inputs: doc as CaseInputsJson };
}

/** One element's expected value and accepted interval: a report's element entry without the actual result. */
type ElementJson = Omit<ElementFailureJson, 'actual' | 'actualHex' | 'ulpError'>;

interface ProfileReport {
  profile: ProfileName;
  outcome: OutcomeJson;
  acceptance?: { dtype: FloatDType; shape: number[]; tolerance: ToleranceLevel; elements: ElementJson[]; total: number };
}

function firstOutput(o: OutcomeJson): { dtype: FloatDType } | undefined {
  if ('output' in o) return o.output;
  if ('anyOf' in o) for (const a of o.anyOf) {
    const r = firstOutput(a);
    if (r) return r;
  }
  return undefined;
}

function describeProfile(args: CallArgs, profile: ProfileName, level: ToleranceLevel, limit: number): ProfileReport {
  const outcome = expectOutcome(args, profile, { withBits: false });
  const out = firstOutput(outcome);
  if (!out) return { profile, outcome };
  const ref = computeReference(args, out.dtype);
  const acc = acceptance(ref, level);
  const n = acc.expected.length;
  const count = limit > 0 ? Math.min(limit, n) : n;
  const dec = (x: number) => formatDecimal(acc.dtype, x);
  const hex = (x: number) => formatHex(acc.dtype, x);
  const elements: ElementJson[] = [];
  for (let i = 0; i < count; i++) {
    const e = acc.expected[i];
    const nan = acc.nanExpected[i] === 1;
    elements.push({
      index: i,
      expected: nan ? 'nan' : dec(e),
      expectedHex: nan ? hex(NaN) : hex(e),
      lo: nan ? 'nan' : dec(acc.lo[i]),
      loHex: nan ? hex(NaN) : hex(acc.lo[i]),
      hi: nan ? 'nan' : dec(acc.hi[i]),
      hiHex: nan ? hex(NaN) : hex(acc.hi[i]),
    });
    // the level's discrete alternatives (beta readings, flush regimes): a union of intervals
    const more = acc.more.get(i);
    if (more !== undefined && !nan) {
      const list: NonNullable<ElementFailureJson['more']> = [];
      for (let k = 0; k < more.length; k += 2) list.push({ lo: dec(more[k]), loHex: hex(more[k]), hi: dec(more[k + 1]), hiHex: hex(more[k + 1]) });
      elements[elements.length - 1].more = list;
    }
  }
  return { profile, outcome, acceptance: { dtype: acc.dtype, shape: [...acc.shape], tolerance: level, elements, total: n } };
}

function outcomeText(o: OutcomeJson): string {
  if ('output' in o) return `output ${o.output.dtype} shape [${o.output.shape.join(', ')}]`;
  if ('error' in o) return `error ${o.error === 'any' ? 'of any type' : o.error}${o.kind ? ` (${o.kind})` : ''}`;
  return `any one of: ${o.anyOf.map(outcomeText).join(' | ')}`;
}

function text(r: ProfileReport): string[] {
  const lines = [`${r.profile}: ${outcomeText(r.outcome)}`];
  if (r.outcome.note) lines.push(`  note: ${r.outcome.note}`);
  const a = r.acceptance;
  if (a) {
    lines.push(`  ${a.tolerance} tolerance, accepted interval per element (an exact zero accepts +0 and -0; NaN expected accepts any NaN):`);
    for (const e of a.elements) {
      const interval = e.expected === 'nan' ? 'any NaN' : [e, ...(e.more ?? [])].map((m) => `[${m.lo}, ${m.hi}]  [${m.loHex}, ${m.hiHex}]`).join('  or  ');
      lines.push(`  [${e.index}] expected ${e.expected} (${e.expectedHex})  accepted ${interval}`);
    }
    if (a.elements.length < a.total) lines.push(`  ... ${a.total - a.elements.length} more elements (use --limit 0 to print all)`);
  }
  return lines;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const { options, positionals } = parseOptions(argv, { profile: { type: 'string' }, tolerance: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(`oracle needs exactly one case-format JSON file\n\n${usage()}`);
  const level = (options.tolerance as string | undefined) ?? tolerancesSpec().default;
  if (!isToleranceLevel(level)) throw new UsageError(`unknown tolerance '${level}' (expected ${toleranceLevels().join(' or ')})`);
  const profileOpt = options.profile as string | undefined;
  if (profileOpt !== undefined && !(profileNames() as string[]).includes(profileOpt)) throw new UsageError(`unknown profile '${profileOpt}' (expected one of ${profileNames().join(', ')})`);
  const limitText = (options.limit as string | undefined) ?? '32';
  if (!/^\d+$/.test(limitText)) throw new UsageError(`--limit expects a non-negative integer, got '${limitText}'`);
  const file = resolve(positionals[0]);
  const read = readInputs(file);
  if (Array.isArray(read)) {
    for (const p of read) process.stderr.write(formatProblem(p) + '\n');
    process.stderr.write(`smoothl1 oracle: ${file} is not a valid case or inputs object (${read.length} problem(s))\n`);
    return EXIT.failed;
  }
  const profiles = profileOpt ? [profileOpt as ProfileName] : (read.profiles ?? profileNames());
  const args = materialize(read.inputs);
  const reports = profiles.map((p) => describeProfile(args, p, level as ToleranceLevel, Number(limitText)));
  if (options.json) process.stdout.write(JSON.stringify({ file, tolerance: level, profiles: reports }, null, 2) + '\n');
  else process.stdout.write(reports.flatMap(text).join('\n') + '\n');
  return EXIT.ok;
}
