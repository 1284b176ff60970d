/**
 * A call found by a search, written as a case file of the corpus format
 * (spec/case.schema.json): its arguments (tensors as bit patterns), the outcome the
 * oracle requires under every profile (expectOutcome, with the correctly rounded bits for
 * outputs of a readable size), and tags derived from the call. The file is checked with
 * the corpus loader's own validation before it is written, so `--cases <dir>` loads it.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { floatFormat } from '../common/float-format.js';
import { formatDecimal } from '../common/number-format.js';
import { scalarToJson } from '../common/scalar-json.js';
import { isFloatDType, profileNames, profilesSpec } from '../common/spec-data.js';
import { numel, tensorToHex } from '../common/tensor.js';
import type { ArgValue, CallArgs, CaseInputsJson, CaseJson, OutcomeJson, ProfileName, ValueJson } from '../common/types.js';
import { caseProblems, formatProblem } from '../harness/cases/index.js';
import { expectOutcome } from '../oracle/index.js';

/** Outputs up to this many elements store their correctly rounded bits (larger ones leave them to the oracle at run time). */
export const STORED_BITS_LIMIT = 65536;
/** Tensors up to this many elements get readable decimals beside their bits. */
const DECIMALS_LIMIT = 64;

export interface CaseMeta {
  /** The case id: its path below the corpus folder, without .json. */
  id: string;
  title: string;
  description: string;
  /** Tags beyond those derived from the call (each registered in spec/tags.json). */
  tags: string[];
  profiles?: ProfileName[];
}

function valueJson(v: ArgValue): ValueJson {
  if (v.type !== 'tensor') return scalarToJson(v);
  const t = v.tensor;
  const bits = tensorToHex(t);
  const n = numel(t.shape);
  const tensor: Extract<ValueJson, { type: 'tensor' }>['tensor'] = { dtype: t.dtype, shape: [...t.shape], bits };
  if (isFloatDType(t.dtype) && n <= DECIMALS_LIMIT) {
    const f = floatFormat(t.dtype);
    const dtype = t.dtype;
    tensor.decimal = bits.map((h) => formatDecimal(dtype, f.decode(f.fromHex(h))));
  }
  return { type: 'tensor', tensor };
}

/** The call's arguments in the case format (an absent beta or reduction stays absent). */
export function inputsJson(args: CallArgs): CaseInputsJson {
  const out: CaseInputsJson = { logits: valueJson(args.logits), labels: valueJson(args.labels) };
  if (args.beta !== undefined) out.beta = valueJson(args.beta);
  if (args.reduction !== undefined) out.reduction = valueJson(args.reduction);
  return out;
}

/** An oracle outcome with decimals beside stored bits (informative), keys in the corpus's order. */
function withDecimals(o: OutcomeJson): OutcomeJson {
  if ('anyOf' in o) return { anyOf: o.anyOf.map(withDecimals), ...(o.note !== undefined ? { note: o.note } : {}) };
  if (!('output' in o) || !o.output.bits) return o;
  const { dtype, shape, bits } = o.output;
  const f = floatFormat(dtype);
  const decimal = bits.length <= DECIMALS_LIMIT ? { decimal: bits.map((h) => formatDecimal(dtype, f.decode(f.fromHex(h)))) } : {};
  return { output: { dtype, shape, bits, ...decimal }, ...(o.note !== undefined ? { note: o.note } : {}) };
}

function errorKinds(o: OutcomeJson, into: Set<string>): void {
  if ('error' in o && o.kind) into.add(o.kind);
  if ('anyOf' in o) for (const a of o.anyOf) errorKinds(a, into);
}

function outputSize(o: OutcomeJson): number {
  if ('output' in o) return numel(o.output.shape);
  if ('anyOf' in o) return Math.max(0, ...o.anyOf.map(outputSize));
  return 0;
}

/** Tags that follow from the call and its outcomes (the same families the corpus uses). */
function derivedTags(args: CallArgs, expected: OutcomeJson[]): string[] {
  const tags = new Set<string>();
  for (const a of [args.logits, args.labels]) {
    if (a.type !== 'tensor') continue;
    const t = a.tensor;
    tags.add(`dtype:${t.dtype}`);
    if (t.shape.length === 0) tags.add('shape:0-d');
    if (t.shape.length >= 2) tags.add('shape:high-rank');
    if (t.shape.includes(1)) tags.add('shape:size-1');
    if (numel(t.shape) === 0) tags.add('shape:empty');
  }
  const r = args.reduction;
  if (r === undefined) tags.add('reduction:default');
  else if (r.type === 'str' && (profilesSpec().reductions as string[]).includes(r.value)) tags.add(`reduction:${r.value}`);
  else tags.add('reduction:invalid');
  if (args.beta === undefined) tags.add('beta:default');
  const kinds = new Set<string>();
  for (const o of expected) errorKinds(o, kinds);
  for (const k of kinds) tags.add(`error:${k}`);
  if (kinds.size > 0) tags.add('area:errors');
  return [...tags];
}

/** The case file's JSON for a call: inputs, the oracle's outcome per profile, tags. */
export function caseJsonFor(args: CallArgs, meta: CaseMeta): CaseJson {
  const profiles = meta.profiles ?? profileNames();
  const expected: Partial<Record<ProfileName, OutcomeJson>> = {};
  for (const p of profiles) {
    const shapeOnly = expectOutcome(args, p, { withBits: false });
    expected[p] = outputSize(shapeOnly) <= STORED_BITS_LIMIT ? withDecimals(expectOutcome(args, p)) : shapeOnly;
  }
  const tags = new Set([...meta.tags, ...derivedTags(args, Object.values(expected) as OutcomeJson[])]);
  const depth = meta.id.split('/').length;
  return {
    $schema: `${'../'.repeat(depth)}spec/case.schema.json`,
    title: meta.title,
    description: meta.description,
    tags: [...tags].sort(),
    profiles,
    inputs: inputsJson(args),
    expected,
  };
}

/** JSON with 2-space indentation and arrays of scalars packed onto lines of at most 100 columns. */
export function caseFileText(v: unknown): string {
  const scalar = (x: unknown) => x === null || typeof x !== 'object';
  const fmt = (x: unknown, indent: string): string => {
    if (scalar(x)) return JSON.stringify(x);
    const inner = indent + '  ';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      if (!x.every(scalar)) return `[\n${x.map((e) => inner + fmt(e, inner)).join(',\n')}\n${indent}]`;
      const lines: string[] = [];
      let line = '';
      for (const it of x.map((e) => JSON.stringify(e))) {
        if (line !== '' && inner.length + line.length + it.length + 2 > 100) {
          lines.push(line + ',');
          line = '';
        }
        line = line === '' ? it : `${line}, ${it}`;
      }
      lines.push(line);
      return lines.length === 1 && indent.length + lines[0].length + 2 <= 100 ? `[${lines[0]}]` : `[\n${lines.map((l) => inner + l).join('\n')}\n${indent}]`;
    }
    const entries = Object.entries(x as Record<string, unknown>).filter(([, e]) => e !== undefined);
    return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${fmt(e, inner)}`).join(',\n')}\n${indent}}`;
  };
  return fmt(v, '') + '\n';
}

/** The case is invalid: a bug of the search (the loader's problems, named). */
export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

/**
 * Why case files cannot be written into the corpus folder `dir`, or undefined when they
 * can: it must be a writable folder, or not exist yet below a writable folder. Checked
 * before a search starts, so that a finding is never lost to an unusable --out.
 */
export function caseDirProblem(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) return `${d === resolve(dir) ? dir : d} is a file, not a folder`;
      accessSync(d, constants.W_OK);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `cannot write into ${d} (${code})`;
      if (code !== 'ENOENT' || dirname(d) === d) return `cannot use ${dir}: ${code ?? (e as Error).message}`;
      d = dirname(d);
    }
  }
}

/** Creates `dir` and its missing parents one level at a time. */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) throw new Error(`${d} is not a folder`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw e;
      missing.push(d);
      d = dirname(d);
    }
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

/**
 * Writes the case into the corpus folder `dir` as `<dir>/<id>.json` (whole or not at all:
 * a temporary file renamed into place), after checking it as the corpus loader would.
 * Returns the path.
 */
export function writeCaseFile(dir: string, id: string, json: CaseJson): string {
  const path = join(dir, `${id}.json`);
  const problems = caseProblems(path, json);
  if (problems.length > 0) throw new CaseFileError(`the case written for ${id} would be invalid: ${problems.map(formatProblem).join('; ')}`);
  makeFolders(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, caseFileText(json));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return path;
}
