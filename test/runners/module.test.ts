/**
 * The module runner: which exports it accepts, how a thrown Error becomes a raised
 * error, and the errors it gives for modules it cannot use.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import type { CallArgs, RunContext } from '../../common/types.js';
import { ImplementationCrash } from '../../common/runner-errors.js';
import { createRunner } from '../../runners/module/index.js';

const dir = fileURLToPath(new URL('../fixtures/module/', import.meta.url));
const args: CallArgs = {
  logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [1], data: new Float32Array([7]) } },
  labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [1], data: new Float32Array([0]) } },
};
const ctx = (caseId: string): RunContext => ({ caseId, profile: 'cpu', signal: new AbortController().signal });

describe('module runner', () => {
  it('smoothL1Loss export with metadata, init/close, thrown Error = raised error (ImplementationCrash = crash), bare Tensor = output', async () => {
    const r = await createRunner({ modulePath: relative(process.cwd(), dir + 'named.mjs') });
    expect([r.name, r.version, r.nativeProfile]).toEqual(['named-fixture', '2.5', 'gpu']);
    await r.init?.();
    const mod = await import(dir + 'named.mjs');
    expect(mod.initCalls).toBe(1);
    expect(await r.run(args, ctx('a/out'))).toEqual({ kind: 'output', tensor: args.logits.type === 'tensor' ? args.logits.tensor : null });
    expect(await r.run(args, ctx('a/bare'))).toMatchObject({ kind: 'output', tensor: { dtype: 'float32', shape: [1] } });
    expect(await r.run(args, ctx('a/raise'))).toEqual({ kind: 'error', errorType: 'RuntimeError', message: 'beta must be positive' });
    await expect(Promise.resolve(r.run(args, ctx('a/string-throw')))).rejects.toBeInstanceOf(ImplementationCrash);
    await expect(Promise.resolve(r.run(args, ctx('a/cannot')))).rejects.toThrow(/a\/cannot: this adapter cannot pass the argument/);
    await expect(Promise.resolve(r.run(args, ctx('a/cannot')))).rejects.toBeInstanceOf(ImplementationCrash);
    await r.close?.();
    expect(mod.closeCalls).toBe(1);
  });

  it('a default-exported function, named after its file', async () => {
    const r = await createRunner({ modulePath: dir + 'default-export.mjs' });
    expect(r.name).toBe('module:default-export.mjs');
    expect(await r.run(args, ctx('b/1'))).toEqual({ kind: 'error', errorType: 'ValueError', message: 'got tensor' });
  });

  it('a createRunner export is used as the Runner, with the options passed through', async () => {
    const r = await createRunner({ modulePath: dir + 'runner-export.mjs', marker: 'm1' });
    expect([r.name, r.version, r.nativeProfile]).toEqual(['custom-runner', 'm1', 'ascend']);
    expect(() => r.run(args, ctx('c/1'))).toThrow(/crashed/);
  });

  it('clear errors for a missing file, a module without an implementation, and no --module', async () => {
    await expect(createRunner({ modulePath: dir + 'missing.mjs' })).rejects.toThrow(/missing\.mjs: no such file/);
    await expect(createRunner({ modulePath: dir + 'nothing.mjs' })).rejects.toThrow(/nothing\.mjs exports neither createRunner\(options\), smoothL1Loss\(args, ctx\) nor a default function/);
    await expect(createRunner({})).rejects.toThrow(/--module/);
  });
});
