/**
 * Builds a conformance pack (spec/pack.md) in memory: per case its materialised arguments
 * and, per profile, the case's stored outcome with the oracle's correctly rounded values
 * and acceptance intervals per level. Values come from the oracle's public API exactly as
 * the suite's checker gets them (harness/check.ts), so a pack and `smoothl1 run` judge
 * an answer alike; stored bits that disagree with the oracle stop the build
 * (CorpusDefectError), as they stop a run.
 *
 * Deterministic: cases in id order, JSON keys in a fixed order, no timestamps; the same
 * corpus, profiles and levels give the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scalarToJson } from '../common/scalar-json.js';
import type { ArgName } from '../common/operator.js';
import { dtypesSpec, packageRoot, tolerancesSpec } from '../common/spec-data.js';
import { tensorBytes, tensorFromNumbers } from '../common/tensor.js';
import type { ArgValue, CallArgs, DType, FloatDType, LoadedCase, OutcomeJson, ProfileName, ToleranceLevel } from '../common/types.js';
import { materialize } from '../harness/cases/index.js';
import { CorpusDefectError, verifyStoredBits } from '../harness/check.js';
import { compareIds, corpusHash } from '../harness/run.js';
import { acceptance, computeReference, type Acceptance } from '../oracle/index.js';
import { caseFilePath, dataFilePath, packJson, PACK_FORMAT, PACK_README_SOURCE, PACK_SCHEMAS } from './format.js';
import type { PackCaseJson, PackDTypeJson, PackManifestJson, PackOutcomeJson, PackOutputJson, PackValueJson } from './format.js';

export interface PackOptions {
  /** The corpus (already loaded and validated). */
  cases: readonly LoadedCase[];
  /** Profiles whose outcomes the pack holds (a case's other profiles are left out). */
  profiles: readonly ProfileName[];
  /** Tolerance levels to include. */
  levels: readonly ToleranceLevel[];
  /** The suite version recorded in the manifest. */
  suiteVersion: string;
}

export interface PackFile {
  /** Relative to the pack root, '/'-separated. */
  path: string;
  data: Uint8Array;
}

export interface BuiltPack {
  manifest: PackManifestJson;
  /** Every file, manifest.json last; paths in code-unit order otherwise. */
  files: PackFile[];
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const json = (v: unknown) => utf8(packJson(v));

/** sha256 over files in path order: utf8(path), 0x00, bytes, 0x00 (spec/pack.md "Layout"). */
export function contentSha256(files: readonly PackFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => compareIds(a.path, b.path))) {
    h.update(f.path, 'utf8');
    h.update(Buffer.from([0]));
    h.update(f.data);
    h.update(Buffer.from([0]));
  }
  return h.digest('hex');
}

type Intervals = PackOutputJson['intervals'];

/** One case: its files (arguments, values) and its JSON. */
class CaseWriter {
  readonly files: PackFile[] = [];
  /** Value files per output dtype (shared by the profiles that expect that dtype) and the oracle's shape. */
  private readonly values = new Map<FloatDType, { expected: string; intervals: Intervals; shape: number[] }>();

  constructor(
    private readonly c: LoadedCase,
    private readonly args: CallArgs,
    private readonly levels: readonly ToleranceLevel[],
  ) {}

  value(name: ArgName, v: ArgValue): PackValueJson {
    switch (v.type) {
      case 'tensor': {
        const path = dataFilePath(this.c.id, name);
        this.files.push({ path, data: tensorBytes(v.tensor) });
        return { type: 'tensor', dtype: v.tensor.dtype, shape: [...v.tensor.shape], data: path };
      }
      default:
        return scalarToJson(v);
    }
  }

  outcome(profile: ProfileName, o: OutcomeJson): PackOutcomeJson {
    const note = o.note !== undefined ? { note: o.note } : {};
    if ('anyOf' in o) return { anyOf: o.anyOf.map((a) => this.outcome(profile, a)), ...note };
    if ('error' in o) return { error: o.error, ...(o.kind !== undefined ? { kind: o.kind } : {}), ...note };
    const { dtype, shape } = o.output;
    const v = this.outputValues(dtype, o.output.bits);
    if (!sameShape(v.shape, shape)) {
      throw new CorpusDefectError(`${this.c.file}: case '${this.c.id}' stores output shape [${shape.join(',')}] for profile ${profile} but the oracle computes shape [${v.shape.join(',')}]`);
    }
    return { output: { dtype, shape: [...shape], expected: v.expected, intervals: v.intervals }, ...note };
  }

  /** The value files of one output dtype, computed once per case (as the checker's cache does). */
  private outputValues(dtype: FloatDType, bits: string[] | undefined) {
    const known = this.values.get(dtype);
    if (known) return known;
    const { c, args } = this;
    let accs: { level: ToleranceLevel; acc: Acceptance }[];
    try {
      const ref = computeReference(args, dtype);
      accs = this.levels.map((level) => ({ level, acc: acceptance(ref, level) }));
    } catch (e) {
      throw new CorpusDefectError(`${c.file}: the oracle cannot compute case '${c.id}' as ${dtype}: ${(e as Error).message}`);
    }
    const first = accs[0].acc;
    if (bits) verifyStoredBits(c, dtype, bits, first);
    const expected = dataFilePath(c.id, `${dtype}.expected`);
    this.files.push({ path: expected, data: floatBytes(dtype, first.shape, first.expected) });
    const intervals: Intervals = {};
    for (const { level, acc } of accs) {
      checkAcceptance(c, dtype, level, acc, first);
      const lo = dataFilePath(c.id, `${dtype}.${level}.lo`);
      const hi = dataFilePath(c.id, `${dtype}.${level}.hi`);
      this.files.push({ path: lo, data: floatBytes(dtype, acc.shape, acc.lo) }, { path: hi, data: floatBytes(dtype, acc.shape, acc.hi) });
      intervals[level] = { lo, hi };
      const more = moreEntries(acc);
      if (more.index.length > 0) {
        const count = more.index.length;
        const files = { index: dataFilePath(c.id, `${dtype}.${level}.more.index`), lo: dataFilePath(c.id, `${dtype}.${level}.more.lo`), hi: dataFilePath(c.id, `${dtype}.${level}.more.hi`) };
        this.files.push({ path: files.index, data: int64Bytes(more.index) }, { path: files.lo, data: floatBytes(dtype, [count], Float64Array.from(more.lo)) }, { path: files.hi, data: floatBytes(dtype, [count], Float64Array.from(more.hi)) });
        intervals[level] = { lo, hi, more: { count, ...files } };
      }
    }
    const v = { expected, intervals, shape: [...first.shape] };
    this.values.set(dtype, v);
    return v;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The pack's rule reads "NaN expected" from the expected file alone and compares lo/hi as
 * numbers: check that the oracle's acceptance says exactly that (nanExpected where the
 * correctly rounded value is NaN, finite-or-infinite bounds elsewhere), so the pack cannot
 * silently differ from checkValues.
 */
function checkAcceptance(c: LoadedCase, dtype: FloatDType, level: ToleranceLevel, acc: Acceptance, first: Acceptance): void {
  if (!sameShape(acc.shape, first.shape)) throw new Error(`pack: the oracle gives case '${c.id}' (${dtype}) shape [${acc.shape.join(',')}] at ${level} but [${first.shape.join(',')}] at another level`);
  for (let i = 0; i < acc.expected.length; i++) {
    const nan = Number.isNaN(acc.expected[i]);
    // One expected file serves every level: the levels' correctly rounded values must agree.
    if (!Object.is(acc.expected[i], first.expected[i]) && !(nan && Number.isNaN(first.expected[i]))) {
      throw new Error(`pack: the oracle's correctly rounded value of case '${c.id}' (${dtype}) element ${i} differs between levels: ${acc.expected[i]} and ${first.expected[i]}`);
    }
    if ((acc.nanExpected[i] === 1) !== nan || (!nan && !(acc.lo[i] <= acc.hi[i]))) {
      throw new Error(`pack: the oracle's ${level} acceptance of case '${c.id}' (${dtype}) element ${i} does not fit the pack's rule: expected ${acc.expected[i]}, nanExpected ${acc.nanExpected[i]}, interval [${acc.lo[i]}, ${acc.hi[i]}]`);
    }
  }
}

/** The further intervals of an acceptance (Acceptance.more), one entry per interval, by ascending element index. */
function moreEntries(acc: Acceptance): { index: number[]; lo: number[]; hi: number[] } {
  const out = { index: [] as number[], lo: [] as number[], hi: [] as number[] };
  for (const i of [...acc.more.keys()].sort((a, b) => a - b)) {
    const m = acc.more.get(i)!;
    for (let k = 0; k < m.length; k += 2) {
      out.index.push(i);
      out.lo.push(m[k]);
      out.hi.push(m[k + 1]);
    }
  }
  return out;
}

/** Element indices as little-endian int64. */
function int64Bytes(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, k) => v.setBigInt64(k * 8, BigInt(x), true));
  return b;
}

/** Doubles that are values of a float dtype, as that dtype's little-endian bit patterns. */
function floatBytes(dtype: FloatDType, shape: readonly number[], values: Float64Array): Uint8Array {
  const t = tensorFromNumbers(dtype, shape, values);
  // A copy: tensorBytes is a view, and the pack keeps the bytes.
  return tensorBytes(t).slice();
}

function dtypeTable(): Partial<Record<DType, PackDTypeJson>> {
  const spec = dtypesSpec();
  const out: Partial<Record<DType, PackDTypeJson>> = {};
  for (const [name, info] of Object.entries(spec.float)) out[name as DType] = { bytes: info.bits / 8, exponentBits: info.exponentBits, fractionBits: info.fractionBits };
  for (const [name, info] of Object.entries(spec.other)) out[name as DType] = { bytes: Math.max(1, info.bits / 8) };
  return out;
}

function buildCase(c: LoadedCase, opts: PackOptions): { json: PackCaseJson; files: PackFile[] } {
  let args: CallArgs;
  try {
    args = materialize(c);
  } catch (e) {
    throw new CorpusDefectError(`${c.file}: cannot build the inputs of case '${c.id}': ${(e as Error).message}`);
  }
  const w = new CaseWriter(c, args, opts.levels);
  const packArgs: PackCaseJson['args'] = { logits: w.value('logits', args.logits), labels: w.value('labels', args.labels) };
  if (args.beta !== undefined) packArgs.beta = w.value('beta', args.beta);
  if (args.reduction !== undefined) packArgs.reduction = w.value('reduction', args.reduction);
  const expected: PackCaseJson['expected'] = {};
  for (const p of opts.profiles) {
    if (!c.profiles.includes(p)) continue;
    const o = c.expected[p];
    if (!o) throw new CorpusDefectError(`${c.file}: case '${c.id}' lists profile '${p}' but has no expected.${p} outcome`);
    expected[p] = w.outcome(p, o);
  }
  const json: PackCaseJson = { id: c.id, title: c.title, ...(c.description !== undefined ? { description: c.description } : {}), tags: [...c.tags], args: packArgs, expected };
  return { json, files: w.files };
}

export function buildPack(opts: PackOptions): BuiltPack {
  const known = Object.keys(tolerancesSpec().levels);
  if (opts.levels.length === 0 || opts.profiles.length === 0) throw new Error('pack: at least one profile and one tolerance level are needed');
  for (const l of opts.levels) if (!known.includes(l)) throw new Error(`pack: unknown tolerance level '${l}'`);
  const cases = [...opts.cases].sort((a, b) => compareIds(a.id, b.id));
  const files: PackFile[] = [];
  const root = packageRoot();
  files.push({ path: 'README.md', data: readFileSync(join(root, PACK_README_SOURCE)) });
  for (const s of PACK_SCHEMAS) files.push({ path: s.path, data: readFileSync(join(root, s.source)) });
  for (const c of cases) {
    const built = buildCase(c, opts);
    files.push({ path: caseFilePath(c.id), data: json(built.json) }, ...built.files);
  }
  files.sort((a, b) => compareIds(a.path, b.path));
  const defaultLevel = opts.levels.includes(tolerancesSpec().default) ? tolerancesSpec().default : opts.levels[0];
  const manifest: PackManifestJson = {
    format: PACK_FORMAT,
    suite: { name: 'smoothl1-conformance', version: opts.suiteVersion },
    corpusHash: corpusHash(cases),
    profiles: [...opts.profiles],
    levels: [...opts.levels],
    defaultLevel,
    dtypes: dtypeTable(),
    cases: cases.map((c) => c.id),
    files: files.length,
    bytes: files.reduce((n, f) => n + f.data.byteLength, 0),
    contentSha256: contentSha256(files),
  };
  files.push({ path: 'manifest.json', data: json(manifest) });
  return { manifest, files };
}
