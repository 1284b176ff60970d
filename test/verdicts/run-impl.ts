/**
 * Runs an implementation (a module-runner function) over the committed corpus through the
 * real engine: the module runner's adapter (runners/module runnerFromFunction), the harness
 * orchestration and checker, at a given profile and tolerance. One Checker per
 * (profile, tolerance) is shared, so the oracle computes each case once per test file.
 */
import { loadCorpus } from '../../harness/cases/index.js';
import { Checker } from '../../harness/check.js';
import { runCases } from '../../harness/run.js';
import { isUnexpected } from '../../harness/results.js';
import type { CaseResultJson } from '../../harness/results.js';
import { runnerFromFunction } from '../../runners/module/index.js';
import type { SmoothL1Function } from '../../runners/module/index.js';
import type { LoadedCase, ProfileName, ToleranceLevel } from '../../common/types.js';

let corpus: LoadedCase[] | undefined;
export function theCorpus(): LoadedCase[] {
  corpus ??= loadCorpus(process.env.VERDICTS_CORPUS);
  return corpus;
}

const checkers = new Map<string, Checker>();
function checkerFor(profile: ProfileName, tolerance: ToleranceLevel): Checker {
  const key = `${profile}/${tolerance}`;
  let c = checkers.get(key);
  if (!c) {
    c = new Checker({ profile, tolerance, rerunPrefix: `npx smoothl1 run --profile ${profile} --tolerance ${tolerance}`, cacheElements: 1 << 17 });
    checkers.set(key, c);
  }
  return c;
}

/** The non-passing results (skipped cases are not failures) of one implementation. */
export async function failures(fn: SmoothL1Function, profile: ProfileName, tolerance: ToleranceLevel = 'standard', name = 'impl', cases?: (c: LoadedCase) => boolean): Promise<CaseResultJson[]> {
  const selected = cases ? theCorpus().filter(cases) : theCorpus();
  const o = await runCases({ runner: runnerFromFunction(fn, { name, nativeProfile: profile }), cases: selected, profile, tolerance, timeoutMs: 60_000, rerunPrefix: 'npx smoothl1 run', checker: checkerFor(profile, tolerance) });
  return o.results.filter((r) => isUnexpected(r.status));
}
