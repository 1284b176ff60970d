/**
 * Corpus hygiene: a case's stored expected outcome is a claim about the spec, and the
 * oracle can re-derive it (expectOutcome). `cases validate` and `run` compare the two
 * before anything is judged, so a case whose stored bits, error type or anyOf
 * alternatives contradict the oracle is reported as a corpus defect naming the case and
 * the field, instead of blaming a correct implementation (or passing a wrong one).
 */
import { floatFormat } from '../common/float-format.js';
import { formatDecimal } from '../common/number-format.js';
import type { FloatDType, LoadedCase, OutcomeJson, ProfileName } from '../common/types.js';
import { expectOutcome } from '../oracle/index.js';
import { formatProblem, materialize, pointerJoin, type CaseProblem } from './cases/index.js';
import { CorpusDefectError, describeOutcome } from './check.js';

function storesBits(o: OutcomeJson): boolean {
  if ('anyOf' in o) return o.anyOf.some(storesBits);
  return 'output' in o && o.output.bits !== undefined;
}

function sameBits(dtype: FloatDType, a: string, b: string): boolean {
  if (a === b) return true;
  const f = floatFormat(dtype);
  return f.isNaN(f.fromHex(a)) && f.isNaN(f.fromHex(b));
}

/**
 * Problems of one stored outcome against the derived one, each with a JSON pointer into
 * the case file. A stored outcome may leave out what the oracle adds (an error's kind,
 * output bits): what it does state must agree.
 */
function compare(stored: OutcomeJson, derived: OutcomeJson, ptr: string): { pointer: string; message: string }[] {
  const says = `stores ${describeOutcome(stored)} but the oracle derives ${describeOutcome(derived)}`;
  if ('anyOf' in stored || 'anyOf' in derived) {
    if (!('anyOf' in stored) || !('anyOf' in derived)) return [{ pointer: ptr, message: says }];
    const out: { pointer: string; message: string }[] = [];
    const unmatched = [...derived.anyOf];
    stored.anyOf.forEach((alt, i) => {
      const k = unmatched.findIndex((d) => compare(alt, d, '').length === 0);
      if (k >= 0) unmatched.splice(k, 1);
      else out.push({ pointer: pointerJoin(pointerJoin(ptr, 'anyOf'), i), message: `stores the alternative ${describeOutcome(alt)}, which the oracle does not derive (it derives ${describeOutcome(derived)})` });
    });
    for (const d of unmatched) out.push({ pointer: pointerJoin(ptr, 'anyOf'), message: `lacks the alternative ${describeOutcome(d)} that the oracle derives` });
    return out;
  }
  if ('error' in stored || 'error' in derived) {
    if (!('error' in stored) || !('error' in derived)) return [{ pointer: ptr, message: says }];
    if (stored.error !== derived.error) return [{ pointer: pointerJoin(ptr, 'error'), message: says }];
    if (stored.kind !== undefined && stored.kind !== derived.kind) return [{ pointer: pointerJoin(ptr, 'kind'), message: `stores error kind '${stored.kind}' but the oracle derives '${derived.kind ?? '(none)'}'` }];
    return [];
  }
  const s = stored.output;
  const d = derived.output;
  const p = pointerJoin(ptr, 'output');
  if (s.dtype !== d.dtype) return [{ pointer: pointerJoin(p, 'dtype'), message: says }];
  if (s.shape.length !== d.shape.length || s.shape.some((x, i) => x !== d.shape[i])) return [{ pointer: pointerJoin(p, 'shape'), message: says }];
  if (s.bits && d.bits) {
    const i = s.bits.findIndex((b, k) => !sameBits(s.dtype, b, d.bits![k]));
    if (i >= 0) {
      const f = floatFormat(s.dtype);
      const dec = (hex: string) => formatDecimal(s.dtype, f.decode(f.fromHex(hex)));
      return [{ pointer: pointerJoin(pointerJoin(p, 'bits'), i), message: `stores ${s.dtype} bits ${s.bits[i]} (${dec(s.bits[i])}) but the oracle's correctly rounded result is ${d.bits[i]} (${dec(d.bits[i])})` }];
    }
  }
  return [];
}

/**
 * Re-derives the stored outcome of `c` under each of `profiles` (default: every profile
 * the case lists) and returns every disagreement as a problem naming the file, the field
 * and both outcomes. Output bits are derived only where the case stores them.
 */
export function storedOutcomeProblems(c: LoadedCase, profiles: readonly ProfileName[] = c.profiles): CaseProblem[] {
  const out: CaseProblem[] = [];
  const wanted = profiles.filter((p) => c.profiles.includes(p) && c.expected[p] !== undefined);
  if (wanted.length === 0) return out;
  let args;
  try {
    args = materialize(c);
  } catch (e) {
    return [{ file: c.file, pointer: '/inputs', message: `cannot build the inputs: ${(e as Error).message}` }];
  }
  for (const p of wanted) {
    const stored = c.expected[p]!;
    let derived: OutcomeJson;
    try {
      derived = expectOutcome(args, p, { withBits: storesBits(stored) });
    } catch (e) {
      out.push({ file: c.file, pointer: `/expected/${p}`, message: `the oracle cannot derive the outcome: ${(e as Error).message}` });
      continue;
    }
    for (const m of compare(stored, derived, `/expected/${p}`)) out.push({ file: c.file, pointer: m.pointer, message: `case '${c.id}' ${m.message}; the case is wrong, not the implementation` });
  }
  return out;
}

/** storedOutcomeProblems over many cases. */
export function corpusOutcomeProblems(cases: readonly LoadedCase[], profiles?: readonly ProfileName[]): CaseProblem[] {
  return cases.flatMap((c) => storedOutcomeProblems(c, profiles ?? c.profiles));
}

/**
 * Re-derives the stored outcomes of `cases` under `profile` before any is run, as `run`
 * and checkConformance do: a disagreement throws CorpusDefectError listing every problem
 * (file, field, both outcomes), so no implementation is judged against a wrong claim.
 */
export function assertStoredOutcomes(cases: readonly LoadedCase[], profile: ProfileName): void {
  const problems = corpusOutcomeProblems(cases, [profile]);
  if (problems.length === 0) return;
  throw new CorpusDefectError(`nothing was run (${problems.length} stored outcome(s) disagree with the oracle):\n${problems.map(formatProblem).join('\n')}`);
}
