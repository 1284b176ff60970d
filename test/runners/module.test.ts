/**
 * The module runner: which exports it accepts, how a thrown Error becomes a raised
 * error, and the errors it gives for modules it cannot use. The module runs in a host
 * process of its own (runners/module/host.ts), so what it does is observed through its
 * answers.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
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
    const marker = join(mkdtempSync(join(tmpdir(), 'smoothl1-module-')), 'closed');
    process.env.NAMED_FIXTURE_CLOSED = marker;
    const r = await createRunner({ modulePath: relative(process.cwd(), dir + 'named.mjs') });
    expect(r.name).toBe('module:named.mjs'); // before init(): named after the file
    await r.init?.(); // the host process starts here, with the environment of this moment
    delete process.env.NAMED_FIXTURE_CLOSED;
    expect([r.name, r.version, r.nativeProfile]).toEqual(['named-fixture', '2.5', 'gpu']);
    expect(r.isolated).toBe(true);
    expect(await r.run(args, ctx('a/init-count'))).toEqual({ kind: 'error', errorType: 'RuntimeError', message: 'init called 1 time(s)' });
    const out = await r.run(args, ctx('a/out'));
    expect(out).toMatchObject({ kind: 'output', tensor: { dtype: 'float32', shape: [1] } });
    expect(out.kind === 'output' && Array.from(out.tensor.data as Float32Array)).toEqual([7]);
    expect(await r.run(args, ctx('a/bare'))).toMatchObject({ kind: 'output', tensor: { dtype: 'float32', shape: [1] } });
    expect(await r.run(args, ctx('a/raise'))).toEqual({ kind: 'error', errorType: 'RuntimeError', message: 'beta must be positive' });
    await expect(Promise.resolve(r.run(args, ctx('a/string-throw')))).rejects.toThrow(/a\/string-throw: the implementation threw a non-Error value: not an Error object/);
    await expect(Promise.resolve(r.run(args, ctx('a/cannot')))).rejects.toThrow(/^case a\/cannot: this adapter cannot pass the argument$/);
    await expect(Promise.resolve(r.run(args, ctx('a/cannot')))).rejects.toBeInstanceOf(ImplementationCrash);
    await r.close?.();
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('closed 1');
  });

  it('a default-exported function, named after its file', async () => {
    const r = await createRunner({ modulePath: dir + 'default-export.mjs' });
    await r.init?.();
    expect(r.name).toBe('module:default-export.mjs');
    expect(await r.run(args, ctx('b/1'))).toEqual({ kind: 'error', errorType: 'ValueError', message: 'got tensor' });
    await r.close?.();
  });

  it('a createRunner export is used as the Runner, with the options passed through', async () => {
    const r = await createRunner({ modulePath: dir + 'runner-export.mjs', marker: 'm1' });
    await r.init?.();
    expect([r.name, r.version, r.nativeProfile]).toEqual(['custom-runner', 'm1', 'ascend']);
    await expect(Promise.resolve(r.run(args, ctx('c/1')))).rejects.toThrow(/c\/1: Error: a Runner that throws has crashed/);
    await r.close?.();
  });

  it('clear errors for a missing file, a module without an implementation, and no --module', async () => {
    await expect(createRunner({ modulePath: dir + 'missing.mjs' })).rejects.toThrow(/missing\.mjs: no such file/);
    const nothing = await createRunner({ modulePath: dir + 'nothing.mjs' });
    await expect(nothing.init!()).rejects.toThrow(/^module runner: .*nothing\.mjs exports neither createRunner\(options\), smoothL1Loss\(args, ctx\) nor a default function$/);
    await nothing.close?.();
    await expect(createRunner({})).rejects.toThrow(/--module/);
  });
});
