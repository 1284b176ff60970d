/**
 * The committed corpus: it is exactly what the generator produces (regenerated here and
 * compared byte for byte), it is valid, hand-written cases agree with the oracle, and it
 * covers what the spec requires (every error on every profile, every dtype x reduction,
 * ranks 0-8, the large generated cases, the beta classes).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, writeCorpus, type GeneratedFile } from '../../cases/generate/corpus.js';
import { formatJson } from '../../cases/generate/json-format.js';
import { caseIdOf, listCaseFiles, loadCorpus, materialize, registeredTags } from '../../harness/cases/index.js';
import { computeReference, expectOutcome, referenceBits } from '../../oracle/index.js';
import { dtypesSpec, profileNames, profilesSpec } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import type { LoadedCase, OutcomeJson } from '../../common/types.js';

const CASES = join(__dirname, '..', '..', 'cases');
const tmp = mkdtempSync(join(tmpdir(), 'smoothl1-corpus-'));
let generated: GeneratedFile[];
let corpus: LoadedCase[];
beforeAll(() => {
  generated = buildCorpus();
  corpus = loadCorpus(CASES);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Outcome without the informative parts (decimals, notes), for comparing with the oracle. */
function bare(o: OutcomeJson): unknown {
  if ('output' in o) return { output: { dtype: o.output.dtype, shape: o.output.shape, ...(o.output.bits ? { bits: o.output.bits } : {}) } };
  if ('error' in o) return { error: o.error, ...(o.kind ? { kind: o.kind } : {}) };
  return { anyOf: o.anyOf.map(bare) };
}

function outcomes(o: OutcomeJson): OutcomeJson[] {
  return 'anyOf' in o ? o.anyOf.flatMap(outcomes) : [o];
}

describe('the committed corpus is the generator output', () => {
  it('regenerating into a temp dir reproduces every committed file byte for byte, and nothing stale is left', () => {
    const out = join(tmp, 'full');
    const res = writeCorpus(out, generated);
    expect(res.written).toBe(generated.length);
    const committed = corpus.filter((c) => !c.id.startsWith('hand/')).map((c) => c.id).sort();
    const regenerated = listCaseFiles(out).map((f) => caseIdOf(out, f)).sort();
    expect(committed.filter((id) => !regenerated.includes(id)), "stale generated cases: run 'npm run cases' and commit").toEqual([]);
    expect(regenerated.filter((id) => !committed.includes(id)), "cases missing from the commit: run 'npm run cases' and commit").toEqual([]);
    const differing = regenerated.filter((id) => readFileSync(join(out, id + '.json'), 'utf8') !== readFileSync(join(CASES, id + '.json'), 'utf8'));
    expect(differing, "committed cases differ from the generator's output: run 'npm run cases' and commit").toEqual([]);
  });

  it('generation is deterministic', () => {
    const again = buildCorpus((id) => id.startsWith('random/') || id.startsWith('threshold/'));
    const byId = new Map(generated.map((g) => [g.id, g.text]));
    for (const g of again) expect(g.text).toBe(byId.get(g.id));
  });

  it('writing removes stale generated files, keeps hand/ and rewrites only what changed', () => {
    const out = join(tmp, 'out');
    mkdirSync(join(out, 'hand'), { recursive: true });
    mkdirSync(join(out, 'old'), { recursive: true });
    writeFileSync(join(out, 'hand', 'mine.json'), '{}');
    writeFileSync(join(out, 'old', 'gone.json'), '{}');
    const few = generated.filter((g) => g.id.startsWith('doc/') || g.id.startsWith('reductions/'));
    const first = writeCorpus(out, few);
    expect(first.written).toBe(few.length);
    expect(first.removed).toEqual(['old/gone']);
    expect(existsSync(join(out, 'old'))).toBe(false);
    expect(readFileSync(join(out, 'hand', 'mine.json'), 'utf8')).toBe('{}');
    const second = writeCorpus(out, few);
    expect(second).toEqual({ written: 0, unchanged: few.length, removed: [] });
  });

  it('the JSON layout is stable and lossless', () => {
    const v = { b: [1, 'x', null, true], a: { n: -0.5, s: 'q"uote' }, long: Array.from({ length: 40 }, (_, i) => `item${i}`), nested: [{ k: 1 }, [2, 3]] };
    const text = formatJson(v);
    expect(JSON.parse(text)).toEqual(v);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['b', 'a', 'long', 'nested']);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});

describe('hand-written cases', () => {
  it('exist, are valid, and their expectations are what the oracle derives', () => {
    const hand = corpus.filter((c) => c.id.startsWith('hand/'));
    expect(hand.length).toBeGreaterThanOrEqual(2);
    for (const c of hand) {
      const args = materialize(c);
      for (const p of c.profiles) expect(bare(c.expected[p] as OutcomeJson), `${c.id} on ${p}`).toEqual(bare(expectOutcome(args, p)));
    }
  });
});

describe('coverage', () => {
  it('has a few hundred cases, each with a title, a description and tags', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    for (const c of corpus) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.description?.length ?? 0, c.id).toBeGreaterThan(20);
    }
  });

  it('every documented error is expected on every profile where it can occur', () => {
    const ps = profilesSpec();
    for (const p of profileNames()) {
      const seen = new Set(corpus.flatMap((c) => (c.expected[p] ? outcomes(c.expected[p] as OutcomeJson) : [])).flatMap((o) => ('error' in o && o.kind ? [o.kind] : [])));
      for (const kind of Object.keys(ps.errors)) {
        // dtype-mismatch exists only on profiles that require equal dtypes.
        const possible = kind !== 'dtype-mismatch' || ps.profiles[p].mixedDtypes === 'error';
        expect(seen.has(kind), `error ${kind} on ${p}`).toBe(possible);
      }
    }
  });

  it('every float dtype with every reduction, and every non-float dtype on both inputs', () => {
    for (const d of Object.keys(dtypesSpec().float)) {
      for (const r of ['none', 'mean', 'sum']) expect(corpus.some((c) => c.tags.includes(`dtype:${d}`) && c.tags.includes(`reduction:${r}`)), `${d} ${r}`).toBe(true);
    }
    for (const d of Object.keys(dtypesSpec().other)) {
      for (const side of ['logits', 'labels'] as const) {
        expect(corpus.some((c) => { const v = c.inputs[side]; return v.type === 'tensor' && v.tensor.dtype === d; }), `${d} ${side}`).toBe(true);
      }
    }
  });

  it('ranks 0 to 8, empty shapes under every reduction, the two large generated cases', () => {
    const rank = (c: LoadedCase) => (c.inputs.logits.type === 'tensor' ? c.inputs.logits.tensor.shape.length : -1);
    for (let r = 0; r <= 8; r++) expect(corpus.some((c) => rank(c) === r), `rank ${r}`).toBe(true);
    for (const r of ['none', 'mean', 'sum', 'default']) {
      expect(corpus.some((c) => c.tags.includes('shape:empty') && c.tags.includes(`reduction:${r}`) && !c.tags.includes('area:errors')), `empty ${r}`).toBe(true);
    }
    const big = (n: number, r: string) =>
      corpus.some((c) => c.inputs.logits.type === 'tensor' && c.inputs.logits.tensor.generate && numel(c.inputs.logits.tensor.shape) === n && (c.inputs.reduction?.type === 'str' ? c.inputs.reduction.value : 'none') === r);
    expect(big(1_000_000, 'mean')).toBe(true);
    expect(big(65_536, 'none')).toBe(true);
  });

  it('every beta class and every special-value tag is exercised', () => {
    const used = new Set(corpus.flatMap((c) => c.tags));
    for (const t of Object.keys(registeredTags())) if (t.startsWith('beta:') || t.startsWith('value:') || t.startsWith('shape:')) expect(used.has(t), t).toBe(true);
  });

  it("beta's two readings: float64 none and sum cases where they differ, and a beta rounding to a zero with an anyOf on each profile", () => {
    const byId = new Map(corpus.map((c) => [c.id, c]));
    for (const b of ['tenth', 'tiny', 'huge']) for (const r of ['none', 'sum']) {
      const c = byId.get(`beta/${b}-float64-${r}`);
      expect(c, `beta/${b}-float64-${r}`).toBeDefined();
      // the float32-beta and given-beta results differ in float64 (else the case checks nothing)
      const args = materialize(c!);
      const f32 = computeReference(args, 'float64').expected;
      const given = computeReference(args, 'float64', { beta: 'given' }).expected;
      expect(f32.some((v, i) => v !== given[i]), c!.id).toBe(true);
    }
    for (const p of profileNames()) {
      const anyOfRange = corpus.filter((c) => {
        const o = c.expected[p];
        return o !== undefined && 'anyOf' in o && o.anyOf.some((a) => 'output' in a) && o.anyOf.some((a) => 'error' in a && a.kind === 'beta-out-of-range') && !/NaN/.test(o.note ?? '');
      });
      expect(anyOfRange.length, p).toBeGreaterThan(0);
    }
  });

  it('an anyOf output computed with the given beta stores bits the harness can verify (it compares them with the float32-beta reference)', () => {
    // The case format does not say which beta an output alternative used, and the checking
    // engine verifies stored bits against computeReference(args) (the float32 beta): the
    // corpus's given-beta alternatives must have the same correctly rounded values.
    for (const c of corpus) for (const p of c.profiles) {
      const o = c.expected[p];
      if (!o || !('anyOf' in o)) continue;
      for (const a of o.anyOf) if ('output' in a && a.output.bits) {
        const ref = computeReference(materialize(c), a.output.dtype);
        expect(referenceBits(ref), `${c.id} on ${p}`).toEqual(a.output.bits.map((h, i) => (Number.isNaN(ref.expected[i]) ? referenceBits(ref)[i] : h)));
      }
    }
  });

  it('every registered tag is used by some case (the registry has no dead entries)', () => {
    // 'fuzz' and 'sweep' mark the case files those commands write (test/search covers
    // them); the committed corpus has none.
    const writtenBySearch = ['fuzz', 'sweep'];
    const used = new Set(corpus.flatMap((c) => c.tags));
    for (const t of writtenBySearch) expect(used.has(t), `corpus case tagged ${t}`).toBe(false);
    expect(Object.keys(registeredTags()).filter((t) => !used.has(t) && !writtenBySearch.includes(t))).toEqual([]);
  });
});
