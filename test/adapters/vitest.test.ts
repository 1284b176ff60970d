/**
 * defineConformanceSuite used as a third party would: on the in-repo CPU kernel's plain
 * function (runners/cpu smoothL1Loss(args, profile)), one vitest test per case. A second
 * suite wraps the same function with a deliberate bug and lists the cases it breaks as
 * known failures, which proves the generated tests can fail and that expectations apply.
 */
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import type { CallArgs, LoadedCase, RunContext } from '../../common/types.js';
import { defineConformanceSuite } from '../../adapters/vitest/conformance.js';
import { smoothL1Loss } from '../../runners/cpu/index.js';
import { isSlow } from './run-suite.js';

defineConformanceSuite((args: CallArgs, ctx: RunContext) => smoothL1Loss(args, ctx.profile), {
  profile: 'cpu',
  tolerance: 'standard',
  select: (c: LoadedCase) => !isSlow(c.id), // large/ costs seconds of oracle time (see run-suite.ts)
  title: 'defineConformanceSuite on runners/cpu (profile cpu)',
});

// The same kernel, but reporting every error as a plain 'Error': each case whose expected
// outcome is one named error type must fail (wrong-error-type), so listing them all as
// expected failures keeps this suite green; were the generated tests unable to fail, the
// listed cases would be unexpected passes and fail.
const dir = mkdtempSync(join(tmpdir(), 'smoothl1-vitest-'));
const expectations = join(dir, 'renamed-errors.json');
writeFileSync(expectations, JSON.stringify({ expectations: [{ id: '**', reason: 'errors renamed to Error on purpose', statuses: ['wrong-error-type'] }] }));
defineConformanceSuite(
  (args: CallArgs, ctx: RunContext) => {
    const r = smoothL1Loss(args, ctx.profile);
    return r.kind === 'error' ? { ...r, errorType: 'Error' } : r;
  },
  {
    profile: 'cpu',
    expectations,
    select: (c: LoadedCase) => {
      const o = c.expected.cpu;
      return o !== undefined && 'error' in o && o.error !== 'any' && !isSlow(c.id);
    },
    title: 'defineConformanceSuite with a deliberate bug, known failures listed',
  },
);

// Several filters must all match, as `smoothl1 run --filter a --filter b`.
defineConformanceSuite((args: CallArgs, ctx: RunContext) => smoothL1Loss(args, ctx.profile), {
  filter: ['beta', 'dtype:float16'],
  title: 'defineConformanceSuite with two filters (beta and float16)',
});

describe('defineConformanceSuite selection', () => {
  it('selects like smoothl1 run: a filter matching nothing, or filters matching nothing together, is an error', () => {
    const f = (args: CallArgs, ctx: RunContext) => smoothL1Loss(args, ctx.profile);
    expect(() => defineConformanceSuite(f, { filter: 'no-such-area/**' })).toThrow(/filter 'no-such-area\/\*\*' matches no case/);
    expect(() => defineConformanceSuite(f, { filter: ['doc', 'beta'] })).toThrow(/the filters 'doc' and 'beta' match no case together/);
  });
});
