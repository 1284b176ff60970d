/**
 * The conformance pack (spec/pack.md): `smoothl1 pack` as a user runs it (determinism,
 * size report, usage errors, whole-or-nothing writing), the files against the schemas,
 * the committed default pack of the Python package against a fresh build, a sample of its
 * values recomputed with the oracle, and the pack's checking rule against the suite's
 * checker on outputs at and just beyond every interval end.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import { readSpecJson } from '../../common/spec-data.js';
import { tensorBytes, tensorFromNumbers } from '../../common/tensor.js';
import type { FloatDType, LoadedCase, ProfileName, ToleranceLevel } from '../../common/types.js';
import { loadCorpus, materialize } from '../../harness/cases/index.js';
import { Checker } from '../../harness/check.js';
import { acceptance, computeReference } from '../../oracle/index.js';
import { buildPack } from '../../pack/build.js';
import type { PackCaseJson, PackManifestJson, PackOutcomeJson, PackOutputJson } from '../../pack/format.js';
import { readPackDir } from '../../pack/write.js';
import { ensureBuilt, ROOT, smoothl1 } from '../cases/cli-helpers.js';

const DEFAULT_PACK = join(ROOT, 'python', 'src', 'smoothl1_conformance', 'pack');
const tmp = mkdtempSync(join(tmpdir(), 'smoothl1-pack-'));
beforeAll(() => ensureBuilt());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A small corpus with every kind of outcome: anyOf, errors of each type, generated and bfloat16 tensors, a case of fewer profiles, lists. */
const SUBSET = ['beta/nan-float32', 'beta/list-float32', 'errors/order-dtype-and-shape', 'errors/not-tensor-labels-list', 'dtypes/invalid-complex64-logits', 'dtypes/invalid-int64-logits', 'random/bfloat16-mean-beta-half', 'hand/beta-tenth-float64-boundary', 'large/float16-all-bits-none', 'doc/example'];

function subsetDir(): string {
  const dir = join(tmp, 'cases');
  for (const id of SUBSET) {
    const src = join(ROOT, 'cases', `${id}.json`);
    if (!existsSync(src)) throw new Error(`test subset: no case ${id}`);
    mkdirSync(join(dir, id, '..'), { recursive: true });
    cpSync(src, join(dir, `${id}.json`));
  }
  return dir;
}

const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('smoothl1 pack', () => {
  it('is deterministic, reports its size and writes what the schemas describe', () => {
    const cases = subsetDir();
    const a = smoothl1(['pack', '--out', join(tmp, 'a'), '--cases', cases]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = smoothl1(['pack', '--out', join(tmp, 'b'), '--cases', cases]);
    expect(b.code).toBe(0);
    const fa = readPackDir(join(tmp, 'a'));
    const fb = readPackDir(join(tmp, 'b'));
    expect(fa.map((f) => f.path)).toEqual(fb.map((f) => f.path));
    expect(fa.every((f, i) => bytesEqual(f.data, fb[i].data))).toBe(true);
    const total = fa.reduce((n, f) => n + f.data.byteLength, 0);
    expect(a.stdout).toContain(`wrote pack ${join(tmp, 'a')}: ${SUBSET.length} cases, profiles cpu,gpu,ascend, levels strict,standard; ${fa.length} files`);
    expect(a.stdout).toContain(`(${total} bytes)`);
    expect(a.stdout).toMatch(/largest cases: large\/float16-all-bits-none [0-9.]+ MiB/);

    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const vm = ajv.compile(readSpecJson<object>('spec/pack-manifest.schema.json'));
    const vc = ajv.compile(readSpecJson<object>('spec/pack-case.schema.json'));
    const files = new Map(fa.map((f) => [f.path, f.data]));
    const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString('utf8')) as PackManifestJson;
    expect(vm(manifest), JSON.stringify(vm.errors)).toBe(true);
    expect(manifest.cases).toEqual([...SUBSET].sort());
    expect(manifest.files).toBe(fa.length - 1);
    expect(manifest.bytes).toBe(total - files.get('manifest.json')!.byteLength);
    expect(Buffer.from(files.get('README.md')!).toString('utf8')).toBe(readFileSync(join(ROOT, 'spec/pack.md'), 'utf8'));
    // every data file is referenced, with the size its dtype and shape give
    const referenced = new Set<string>();
    const need = (path: string, dtype: string, shape: number[]) => {
      const data = files.get(path);
      expect(data, path).toBeDefined();
      expect(data!.byteLength, path).toBe(shape.reduce((x, y) => x * y, 1) * manifest.dtypes[dtype as FloatDType]!.bytes);
      referenced.add(path);
    };
    const walk = (o: PackOutcomeJson) => {
      if ('anyOf' in o) o.anyOf.forEach(walk);
      else if ('output' in o) {
        for (const p of [o.output.expected, ...Object.values(o.output.intervals).flatMap((i) => [i!.lo, i!.hi])]) need(p, o.output.dtype, o.output.shape);
        for (const i of Object.values(o.output.intervals)) {
          if (!i!.more) continue;
          const m = i!.more;
          need(m.lo, o.output.dtype, [m.count]);
          need(m.hi, o.output.dtype, [m.count]);
          expect(files.get(m.index)!.byteLength, m.index).toBe(8 * m.count);
          referenced.add(m.index);
        }
      }
    };
    for (const id of manifest.cases) {
      const c = JSON.parse(Buffer.from(files.get(`cases/${id}.json`)!).toString('utf8')) as PackCaseJson;
      expect(vc(c), `${id}: ${JSON.stringify(vc.errors)}`).toBe(true);
      for (const v of Object.values(c.args)) if (v && v.type === 'tensor') need(v.data, v.dtype, v.shape);
      Object.values(c.expected).forEach((o) => walk(o!));
    }
    expect(fa.filter((f) => f.path.endsWith('.bin') && !referenced.has(f.path)).map((f) => f.path)).toEqual([]);
    // hand/beta-tenth-float64-boundary lists fewer profiles: absent where it does not apply
    const hand = JSON.parse(Buffer.from(files.get('cases/hand/beta-tenth-float64-boundary.json')!).toString('utf8')) as PackCaseJson;
    const handSrc = JSON.parse(readFileSync(join(ROOT, 'cases/hand/beta-tenth-float64-boundary.json'), 'utf8')) as { profiles: string[] };
    expect(Object.keys(hand.expected)).toEqual(handSrc.profiles);
  });

  it('--profiles and --tolerances select what the pack holds', () => {
    const r = smoothl1(['pack', '--out', join(tmp, 'c'), '--cases', subsetDir(), '--profiles', 'ascend', '--tolerances', 'strict', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const m = JSON.parse(readFileSync(join(tmp, 'c', 'manifest.json'), 'utf8')) as PackManifestJson;
    expect(m.profiles).toEqual(['ascend']);
    expect(m.levels).toEqual(['strict']);
    expect(m.defaultLevel).toBe('strict');
    const c = JSON.parse(readFileSync(join(tmp, 'c', 'cases', 'beta', 'nan-float32.json'), 'utf8')) as PackCaseJson;
    expect(Object.keys(c.expected)).toEqual(['ascend']);
    expect(JSON.stringify(c)).not.toContain('standard');
  });

  it('usage errors exit 2 and an invalid corpus exits 1, leaving the target as it was', () => {
    expect(smoothl1(['pack']).code).toBe(2);
    const bad = smoothl1(['pack', '--out', join(tmp, 'd'), '--profiles', 'cpu,tpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--profiles: unknown value 'tpu'");
    const precious = join(tmp, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'keep me');
    const r = smoothl1(['pack', '--out', precious, '--cases', subsetDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty and holds no pack');
    expect(readFileSync(join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
    const broken = join(tmp, 'broken-cases');
    mkdirSync(join(broken, 'x'), { recursive: true });
    writeFileSync(join(broken, 'x', 'bad.json'), '{"title": "no inputs"}');
    const inv = smoothl1(['pack', '--out', join(tmp, 'e'), '--cases', broken]);
    expect(inv.code).toBe(1);
    expect(inv.stderr).toContain('x/bad.json');
    expect(existsSync(join(tmp, 'e'))).toBe(false);
    // a pack is replaced by a new one
    const again = smoothl1(['pack', '--out', join(tmp, 'a'), '--cases', subsetDir(), '--profiles', 'gpu', '-q']);
    expect(again.code).toBe(0);
    expect((JSON.parse(readFileSync(join(tmp, 'a', 'manifest.json'), 'utf8')) as PackManifestJson).profiles).toEqual(['gpu']);
  });
});

describe('the default pack of the Python package (python/src/smoothl1_conformance/pack)', () => {
  const corpus = loadCorpus();
  const byId = new Map(corpus.map((c) => [c.id, c]));
  const read = (p: string) => readFileSync(join(DEFAULT_PACK, ...p.split('/')));
  const caseJson = (id: string) => JSON.parse(read(`cases/${id}.json`).toString('utf8')) as PackCaseJson;

  it('is what `smoothl1 pack` builds from the committed corpus today (run `npm run pack:python` after changing cases)', () => {
    const version = readSpecJson<{ version: string }>('package.json').version;
    const built = buildPack({ cases: corpus, profiles: ['cpu', 'gpu', 'ascend'], levels: ['strict', 'standard'], suiteVersion: version });
    const committed = readPackDir(DEFAULT_PACK);
    expect(committed.map((f) => f.path)).toEqual(built.files.map((f) => f.path).sort());
    const fresh = new Map(built.files.map((f) => [f.path, f.data]));
    const stale = committed.filter((f) => !bytesEqual(f.data, fresh.get(f.path)!)).map((f) => f.path);
    expect(stale, 'stale files in the committed pack').toEqual([]);
    const pyproject = readFileSync(join(ROOT, 'python', 'pyproject.toml'), 'utf8');
    expect(pyproject).toContain(`version = "${version}"`);
    expect(readFileSync(join(ROOT, 'python', 'src', 'smoothl1_conformance', '__init__.py'), 'utf8')).toContain(`__version__ = '${version}'`);
  });

  /** Every 9th case, and every case whose outcomes differ between profiles. */
  const sample = corpus.filter((c, i) => i % 9 === 0 || new Set(Object.values(c.expected).map((o) => JSON.stringify(o))).size > 1);

  it(`holds the corpus's arguments bit for bit and the oracle's values and intervals (${sample.length} cases recomputed)`, () => {
    let outputs = 0;
    for (const c of sample) {
      const pc = caseJson(c.id);
      const args = materialize(c);
      for (const name of ['logits', 'labels', 'beta', 'reduction'] as const) {
        const a = args[name];
        const p = pc.args[name];
        if (a === undefined) {
          expect(p, `${c.id} ${name}`).toBeUndefined();
          continue;
        }
        expect(p?.type, `${c.id} ${name}`).toBe(a.type);
        if (a.type === 'tensor' && p?.type === 'tensor') {
          expect([p.dtype, p.shape]).toEqual([a.tensor.dtype, a.tensor.shape]);
          expect(bytesEqual(read(p.data), tensorBytes(a.tensor)), `${c.id} ${name} bytes`).toBe(true);
        }
      }
      for (const profile of c.profiles) {
        const outs = outputsOf(pc.expected[profile]!);
        expect(JSON.stringify(stripValues(pc.expected[profile]!))).toBe(JSON.stringify(stripBits(c.expected[profile]!)));
        for (const o of outs) {
          const ref = computeReference(args, o.dtype);
          for (const level of ['strict', 'standard'] as ToleranceLevel[]) {
            const acc = acceptance(ref, level);
            const enc = (v: Float64Array) => tensorBytes(tensorFromNumbers(o.dtype, acc.shape, v));
            expect(bytesEqual(read(o.expected), enc(acc.expected)), `${c.id} ${o.dtype} expected`).toBe(true);
            expect(bytesEqual(read(o.intervals[level]!.lo), enc(acc.lo)), `${c.id} ${o.dtype} ${level} lo`).toBe(true);
            expect(bytesEqual(read(o.intervals[level]!.hi), enc(acc.hi)), `${c.id} ${o.dtype} ${level} hi`).toBe(true);
            // the union's further intervals (pack format 2)
            const more = moreOf(o, level, read);
            const want: [number, number, number][] = [];
            for (const i of [...acc.more.keys()].sort((a, b) => a - b)) for (let k = 0; k < acc.more.get(i)!.length; k += 2) want.push([i, acc.more.get(i)![k], acc.more.get(i)![k + 1]]);
            expect(more, `${c.id} ${o.dtype} ${level} more`).toEqual(want);
            outputs++;
          }
        }
      }
    }
    expect(outputs).toBeGreaterThan(50);
  });

  it("gives the suite's checker's verdict on outputs at and just beyond every interval end, NaN, infinities and -0", async () => {
    let compared = 0;
    let failedSome = 0;
    for (const c of sample) {
      const pc = caseJson(c.id);
      const args = materialize(c);
      for (const profile of c.profiles) {
        for (const o of outputsOf(pc.expected[profile]!)) {
          for (const level of ['strict', 'standard'] as ToleranceLevel[]) {
            const checker = new Checker({ profile: profile as ProfileName, tolerance: level, rerunPrefix: 'x' });
            for (const values of candidates(o, level, read)) {
              const t = tensorFromNumbers(o.dtype, o.shape, values);
              const suite = await checker.check(c as LoadedCase, args, { kind: 'output', tensor: t });
              const rule = packRule(pc.expected[profile]!, o.dtype, o.shape, values, level, read);
              expect(rule, `${c.id} ${profile} ${level}: pack rule ${rule}, checker ${suite.status} (${suite.reason})`).toBe(suite.status);
              compared++;
              if (rule !== 'pass') failedSome++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(failedSome).toBeGreaterThan(100);
  });
});

function outputsOf(o: PackOutcomeJson): PackOutputJson[] {
  if ('anyOf' in o) return o.anyOf.flatMap(outputsOf);
  return 'output' in o ? [o.output] : [];
}

/** A pack outcome without its value files: the case's outcome without bits and decimals. */
function stripValues(o: PackOutcomeJson): unknown {
  if ('anyOf' in o) return { anyOf: o.anyOf.map(stripValues), ...(o.note !== undefined ? { note: o.note } : {}) };
  if ('output' in o) return { output: { dtype: o.output.dtype, shape: o.output.shape }, ...(o.note !== undefined ? { note: o.note } : {}) };
  return o;
}
function stripBits(o: LoadedCase['expected'][ProfileName]): unknown {
  if (!o) return o;
  if ('anyOf' in o) return { anyOf: o.anyOf.map(stripBits), ...(o.note !== undefined ? { note: o.note } : {}) };
  if ('output' in o) return { output: { dtype: o.output.dtype, shape: o.output.shape }, ...(o.note !== undefined ? { note: o.note } : {}) };
  return o;
}

function decodeFile(read: (p: string) => Buffer, path: string, dtype: FloatDType): number[] {
  const b = read(path);
  const f = floatFormat(dtype);
  const out: number[] = [];
  const w = f.bits / 8;
  for (let i = 0; i < b.byteLength; i += w) {
    out.push(w === 2 ? f.decode(b.readUInt16LE(i)) : w === 4 ? b.readFloatLE(i) : b.readDoubleLE(i));
  }
  return out;
}

/**
 * Outputs that probe the rule: all elements at lo, all at hi, one just below lo, one just
 * above hi, NaN where a number is expected, the expected values with the sign of zeros
 * flipped, and +inf.
 */
function candidates(o: PackOutputJson, level: ToleranceLevel, read: (p: string) => Buffer): number[][] {
  const f = floatFormat(o.dtype);
  const e = decodeFile(read, o.expected, o.dtype);
  const lo = decodeFile(read, o.intervals[level]!.lo, o.dtype);
  const hi = decodeFile(read, o.intervals[level]!.hi, o.dtype);
  const n = e.length;
  const pick = (fn: (i: number) => number) => Array.from({ length: n }, (_, i) => fn(i));
  const k = n > 0 ? (n * 7 + 3) % n : 0;
  // an element with further intervals (the union): values at and just beyond their ends
  const more = moreOf(o, level, read);
  const extra = more.slice(0, 3).flatMap(([i, l, h]) => [l, h, f.nextDown(l), f.nextUp(h)].map((v) => pick((j) => (j === i ? v : Number.isNaN(e[j]) ? NaN : lo[j]))));
  return [
    ...extra,
    pick((i) => (Number.isNaN(e[i]) ? NaN : lo[i])),
    pick((i) => (Number.isNaN(e[i]) ? NaN : hi[i])),
    pick((i) => (i === k && !Number.isNaN(e[i]) ? f.nextDown(lo[i]) : Number.isNaN(e[i]) ? NaN : lo[i])),
    pick((i) => (i === k && !Number.isNaN(e[i]) ? f.nextUp(hi[i]) : Number.isNaN(e[i]) ? NaN : hi[i])),
    pick((i) => (i === k ? (Number.isNaN(e[i]) ? 0 : NaN) : e[i])),
    pick((i) => (e[i] === 0 ? (Object.is(e[i], -0) ? 0 : -0) : e[i])),
    pick(() => Infinity),
  ];
}

/** spec/pack.md "Checking an answer", as written, for an output answer. */
function packRule(o: PackOutcomeJson, dtype: FloatDType, shape: number[], a: number[], level: ToleranceLevel, read: (p: string) => Buffer): string {
  const order = ['pass', 'wrong-value', 'wrong-shape', 'wrong-dtype', 'wrong-error-type', 'missing-error', 'unexpected-error'];
  if ('anyOf' in o) {
    const s = o.anyOf.map((alt) => packRule(alt, dtype, shape, a, level, read));
    return s.reduce((best, x) => (order.indexOf(x) < order.indexOf(best) ? x : best));
  }
  if ('error' in o) return 'missing-error';
  if (o.output.dtype !== dtype) return 'wrong-dtype';
  if (o.output.shape.length !== shape.length || o.output.shape.some((d, i) => d !== shape[i])) return 'wrong-shape';
  const e = decodeFile(read, o.output.expected, dtype);
  const lo = decodeFile(read, o.output.intervals[level]!.lo, dtype);
  const hi = decodeFile(read, o.output.intervals[level]!.hi, dtype);
  const more = moreOf(o.output, level, read);
  const inMore = (i: number, v: number) => more.some(([j, l, h]) => j === i && l <= v && v <= h);
  const ok = a.every((v, i) => (Number.isNaN(e[i]) ? Number.isNaN(v) : (lo[i] <= v && v <= hi[i]) || inMore(i, v)));
  return ok ? 'pass' : 'wrong-value';
}

/** A level's further intervals (spec/pack.md, intervals[level].more) as [element, lo, hi]. */
function moreOf(o: PackOutputJson, level: ToleranceLevel, read: (p: string) => Buffer): [number, number, number][] {
  const m = o.intervals[level]!.more;
  if (!m) return [];
  const idx = read(m.index);
  const lo = decodeFile(read, m.lo, o.dtype);
  const hi = decodeFile(read, m.hi, o.dtype);
  expect(idx.byteLength).toBe(8 * m.count);
  return lo.map((l, k) => [Number(idx.readBigInt64LE(8 * k)), l, hi[k]]);
}
