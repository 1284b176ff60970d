/**
 * The conformance pack (spec/pack.md): `smoothl1 pack` as a user runs it (determinism,
 * size report, usage errors, whole-or-nothing writing) and its files against the schemas.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpecJson } from '../../common/spec-data.js';
import type { FloatDType } from '../../common/types.js';
import type { PackCaseJson, PackManifestJson, PackOutcomeJson } from '../../pack/format.js';
import { readPackDir } from '../../pack/write.js';
import { ensureBuilt, ROOT, smoothl1 } from '../cases/cli-helpers.js';

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
      else if ('output' in o) for (const p of [o.output.expected, ...Object.values(o.output.intervals).flatMap((i) => [i!.lo, i!.hi])]) need(p, o.output.dtype, o.output.shape);
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

