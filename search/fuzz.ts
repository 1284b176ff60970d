/**
 * The search engine behind `smoothl1 fuzz`, operator-agnostic: it draws plans of calls
 * from a fast-check arbitrary (a SearchSpace: the operator's input space lives in
 * search/operator/), builds each call, asks the oracle what the spec requires
 * (expectOutcome) and runs it through the harness's per-case step (harness/case-step.ts:
 * the one time limit, crash isolation, the Checker's value check). The first call whose
 * outcome is not the required one is shrunk with fast-check's shrinkers, as fast-check's
 * own runner does (the first failing simplification is taken, then simplified again),
 * until no simplification fails, the time is up or the shrink budget is spent.
 *
 * The loop is driven here rather than by fc.check so that the time limit is honoured
 * between calls (a call in flight is never abandoned), progress is reported per call, and
 * every draw comes from the suite's generator (search/random.ts): the same seed gives the
 * same calls, the same finding and the same report.
 */
import type fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import type { CallArgs, CaseInputsJson, LoadedCase, OutcomeJson, ProfileName, Runner, ToleranceLevel, ValueJson } from '../common/types.js';
import { scalarToJson } from '../common/scalar-json.js';
import { runCase, RunInterrupted, type CaseStep } from '../harness/case-step.js';
import { Checker } from '../harness/check.js';
import { isUnexpected, type CaseResultJson } from '../harness/results.js';
import type { TimeLimit } from '../harness/time-limit.js';
import { expectOutcome } from '../oracle/index.js';
import { biasFor, randomFor, RunSeeds } from './random.js';

export { RunInterrupted };

/** What a search draws: plans of calls, and how a plan becomes a call. */
export interface SearchSpace<P> {
  plans: fc.Arbitrary<P>;
  /** The call a plan describes, and the category it exercises (its results' area). */
  build(plan: P): { args: CallArgs; category: string };
}

export interface FuzzOptions<P> {
  /** Started already (init() called); the caller closes it. */
  runner: Runner;
  space: SearchSpace<P>;
  profile: ProfileName;
  tolerance: ToleranceLevel;
  seed: number;
  /** How many calls to draw at most (Infinity: until the deadline). */
  runs: number;
  /** performance.now() after which no new call starts (undefined: no time limit). */
  deadline?: number;
  limit: TimeLimit;
  /** The id of run `run`'s (1-based) result, for a call of `category`. */
  caseId(category: string, run: number): string;
  /** The command that reruns a failing call (its case file, once written). */
  rerun(caseId: string): string;
  /** Most calls spent on shrinking (default 5000). */
  maxShrinkCalls?: number;
  /**
   * Passing calls listed one by one in the results (default 10 000); further passing
   * calls are counted in one result per area, dtype and reduction, so a long search keeps
   * a report of bounded size.
   */
  maxListed?: number;
  signal?: AbortSignal;
  onResult?(r: CaseResultJson, run: number): void;
  onShrink?(r: CaseResultJson, accepted: number, tried: number): void;
}

export interface FuzzFinding<P> {
  /** The run (1-based) that found the failure. */
  run: number;
  /** The call as first drawn, and its result. */
  found: { plan: P; result: CaseResultJson };
  /** The smallest failing call shrinking reached. */
  plan: P;
  args: CallArgs;
  category: string;
  result: CaseResultJson;
  /** Simplifications that still failed (taken) / calls made while shrinking. */
  shrinkSteps: number;
  shrinkCalls: number;
  /** Why shrinking ended: nothing simpler fails, the time limit, or its call budget. */
  shrinkEnd: 'minimal' | 'time-limit' | 'budget';
}

export interface FuzzOutcome<P> {
  /**
   * One result per drawn call, in order (a failing call's entry is its shrunk form); past
   * `maxListed` passing calls, one result per area, dtype and reduction counting the rest.
   */
  results: CaseResultJson[];
  finding?: FuzzFinding<P>;
  runsDone: number;
  /** Why the search ended. */
  end: 'runs' | 'time-limit' | 'failure';
  startedAt: string;
  totalMs: number;
  checkMs: number;
  /** Milliseconds in the implementation call, per result id. */
  caseMs: Record<string, number>;
}

/** The columns a result needs from the case's inputs (dtype and reduction): tensors by dtype and shape only. */
function inputsSkeleton(args: CallArgs): CaseInputsJson {
  const v = (a: CallArgs['logits']): ValueJson => (a.type === 'tensor' ? { type: 'tensor', tensor: { dtype: a.tensor.dtype, shape: [...a.tensor.shape] } } : scalarToJson(a));
  const out: CaseInputsJson = { logits: v(args.logits), labels: v(args.labels) };
  if (args.beta !== undefined) out.beta = v(args.beta);
  if (args.reduction !== undefined) out.reduction = v(args.reduction);
  return out;
}

/** A drawn call as a case of the chosen profile, its outcome required by the oracle (or given, already derived by it). */
export function searchCase(id: string, args: CallArgs, profile: ProfileName, expected: OutcomeJson = expectOutcome(args, profile, { withBits: false })): LoadedCase {
  return {
    id,
    file: `(generated call ${id})`,
    title: id,
    tags: ['fuzz'],
    profiles: [profile],
    inputs: inputsSkeleton(args),
    expected: { [profile]: expected },
  };
}

export async function fuzz<P>(o: FuzzOptions<P>): Promise<FuzzOutcome<P>> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const results: CaseResultJson[] = [];
  const caseMs: Record<string, number> = {};
  let checkMs = 0;
  const timeUp = () => o.deadline !== undefined && performance.now() >= o.deadline;

  const call = async (plan: P, run: number): Promise<{ step: CaseStep; args: CallArgs; category: string }> => {
    if (o.signal?.aborted) throw new RunInterrupted('the search was interrupted');
    const { args, category } = o.space.build(plan);
    const id = o.caseId(category, run);
    const checker = new Checker({ profile: o.profile, tolerance: o.tolerance, rerunPrefix: '', rerun: o.rerun });
    const step = await runCase(searchCase(id, args, o.profile), { runner: o.runner, checker, profile: o.profile, limit: o.limit, ...(o.signal ? { signal: o.signal } : {}) }, args);
    checkMs += step.checkMs;
    if (step.callMs !== undefined) caseMs[step.result.id] = step.callMs;
    return { step, args, category };
  };

  const maxListed = o.maxListed ?? 10_000;
  const more = new MoreCalls();
  const seeds = new RunSeeds(o.seed);
  let end: FuzzOutcome<P>['end'] = 'runs';
  let finding: FuzzFinding<P> | undefined;
  let run = 0;
  while (run < o.runs) {
    if (timeUp()) {
      end = 'time-limit';
      break;
    }
    const value = o.space.plans.generate(randomFor(seeds.next()), biasFor(run));
    run++;
    const first = await call(value.value, run);
    if (!isUnexpected(first.step.result.status)) {
      if (results.length < maxListed) results.push(first.step.result);
      else more.add(first.step.result);
      o.onResult?.(first.step.result, run);
      continue;
    }
    finding = await shrink(o, value, first, run, call, timeUp);
    results.push(...more.results(), finding.result);
    o.onResult?.(finding.result, run);
    end = 'failure';
    break;
  }
  if (end !== 'failure') results.push(...more.results());
  return { results, ...(finding ? { finding } : {}), runsDone: run, end, startedAt, totalMs: Math.round((performance.now() - t0) * 100) / 100, checkMs: Math.round(checkMs * 100) / 100, caseMs };
}

/** Passing calls past the listed ones, counted per area, dtype and reduction. */
class MoreCalls {
  private readonly groups = new Map<string, { first: CaseResultJson; count: number }>();
  add(r: CaseResultJson): void {
    const key = `${r.area}\u0000${r.dtype}\u0000${r.reduction}`;
    const g = this.groups.get(key);
    if (g) g.count++;
    else this.groups.set(key, { first: r, count: 1 });
  }
  /** One passing result per group, its id the group's, its reason the count. */
  results(): CaseResultJson[] {
    return [...this.groups.values()].map(({ first, count }) => ({
      id: `${first.area}/more-${first.dtype}-${first.reduction}`,
      status: 'pass',
      reason: `${count} more call${count === 1 ? '' : 's'} of ${first.area}, dtype ${first.dtype}, reduction ${first.reduction} passed (not listed one by one)`,
      maxUlpError: null,
      area: first.area,
      dtype: first.dtype,
      reduction: first.reduction,
    }));
  }
}

type Called = { step: CaseStep; args: CallArgs; category: string };

/** Shrinks a failing draw: take the first simplification that still fails, and repeat from it. */
async function shrink<P>(o: FuzzOptions<P>, value: fc.Value<P>, first: Called, run: number, call: (plan: P, run: number) => Promise<Called>, timeUp: () => boolean): Promise<FuzzFinding<P>> {
  const budget = o.maxShrinkCalls ?? 5000;
  let current = value;
  let best = first;
  let steps = 0;
  let tried = 0;
  let end: FuzzFinding<P>['shrinkEnd'] = 'minimal';
  outer: for (;;) {
    for (const candidate of o.space.plans.shrink(current.value_, current.context)) {
      if (timeUp()) {
        end = 'time-limit';
        break outer;
      }
      if (tried >= budget) {
        end = 'budget';
        break outer;
      }
      tried++;
      const c = await call(candidate.value_, run);
      if (isUnexpected(c.step.result.status)) {
        current = candidate;
        best = c;
        steps++;
        o.onShrink?.(c.step.result, steps, tried);
        continue outer;
      }
    }
    break;
  }
  return {
    run,
    found: { plan: value.value_, result: first.step.result },
    plan: current.value_,
    args: best.args,
    category: best.category,
    result: best.step.result,
    shrinkSteps: steps,
    shrinkCalls: tried,
    shrinkEnd: end,
  };
}
