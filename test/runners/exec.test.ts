/**
 * The exec runner against purpose-written misbehaving programs (test/fixtures/exec/):
 * every failure must be attributed to exactly the case that caused it, later cases must
 * still be answered by a restarted process, and nothing may hang. The runner owns no
 * clock: these tests abort a call's signal the way the harness does at its time limit.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ImplementationCrash, ImplementationTimeout } from '../../common/runner-errors.js';
import type { CallArgs, RunContext, RunnerResult } from '../../common/types.js';
import { createRunner, splitCommandLine, type ExecRunnerOptions } from '../../runners/exec/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/exec/', import.meta.url));
const node = JSON.stringify(process.execPath);

function args(k: number): CallArgs {
  return {
    logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [2], data: new Float32Array([k, k + 0.5]) } },
    labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [2], data: new Float32Array([0, 0]) } },
  };
}

type Outcome = { id: string; ok: true; result: RunnerResult } | { id: string; ok: false; error: Error };

/** A context whose signal is aborted after `ms`, counted from when the request becomes the oldest unanswered one. */
function limited(id: string, ms: number, started: Promise<unknown>): RunContext {
  const ac = new AbortController();
  void started.then(() => setTimeout(() => ac.abort(), ms).unref());
  return { caseId: id, profile: 'cpu', signal: ac.signal };
}

/** Runs the ids concurrently (so requests are pipelined) and collects each outcome; each call may take `limitMs` once its turn comes. */
async function runAll(fixture: string, ids: string[], opts: Partial<ExecRunnerOptions> = {}, limitMs = 3000): Promise<{ outcomes: Outcome[]; restarts: number; name: string }> {
  const runner = createRunner({ command: `${node} ${fixtures}${fixture}`, ...opts });
  await runner.init();
  try {
    let previous: Promise<unknown> = Promise.resolve();
    const outcomes = await Promise.all(
      ids.map((id, k) => {
        const call = Promise.resolve(runner.run(args(k), limited(id, limitMs, previous)));
        previous = call.catch(() => {});
        return call.then(
          (result): Outcome => ({ id, ok: true, result }),
          (error: Error): Outcome => ({ id, ok: false, error }),
        );
      }),
    );
    return { outcomes, restarts: runner.restarts, name: runner.name };
  } finally {
    await runner.close();
  }
}

/** The echo answer for case k: its own logits, proving the answer went to the right case. */
function expectEcho(o: Outcome, k: number): void {
  expect(o.ok, `${o.id}: ${o.ok ? '' : o.error.message}`).toBe(true);
  if (!o.ok || o.result.kind !== 'output') throw new Error(`${o.id}: expected an output`);
  expect(o.result.tensor.dtype).toBe('float32');
  expect(o.result.tensor.shape).toEqual([2]);
  expect(Array.from(o.result.tensor.data as Float32Array)).toEqual([k, k + 0.5]);
}

/** The crash message and the stderr tail it carries as data (formatted once, by the harness). */
function expectCrash(o: Outcome, ...fragments: string[]): ImplementationCrash {
  expect(o.ok, `${o.id} should have failed`).toBe(false);
  if (o.ok) throw new Error('unreachable');
  expect(o.error).toBeInstanceOf(ImplementationCrash);
  const e = o.error as ImplementationCrash;
  for (const f of fragments) expect(`${e.message}\n${e.details.stderrTail ?? ''}`).toContain(f);
  // The message itself never repeats the stderr tail.
  if (e.details.stderrTail) expect(e.message).not.toContain(e.details.stderrTail.trim());
  return e;
}

describe('command line splitting', () => {
  it('splits words, honours quotes and escapes, runs no shell', () => {
    expect(splitCommandLine(`python3 -u 'my impl.py' "a \\"b\\" $HOME" c\\ d '' x"y"z`)).toEqual(['python3', '-u', 'my impl.py', 'a "b" $HOME', 'c d', '', 'xyz']);
    expect(() => splitCommandLine(`python3 'oops`)).toThrow(/unterminated single quote/);
    expect(() => splitCommandLine('   ')).toThrow(/empty/);
  });
});

describe('exec runner', () => {
  it('a correct program: answers and raised errors reach the right cases, hello names the runner', async () => {
    const ids = ['a/one', 'a/two', 'a/raise-three', 'a/four'];
    const { outcomes, restarts, name } = await runAll('echo.mjs', ids);
    expectEcho(outcomes[0], 0);
    expectEcho(outcomes[1], 1);
    expect(outcomes[2]).toMatchObject({ ok: true, result: { kind: 'error', errorType: 'ValueError', message: 'raised on purpose' } });
    expectEcho(outcomes[3], 3);
    expect(restarts).toBe(1);
    expect(name).toBe('echo-fixture');
  });

  it('crash: the crashing case reports exit code and stderr; the next cases run in a new process', async () => {
    const { outcomes, restarts } = await runAll('crash.mjs', ['c/1', 'c/boom', 'c/3', 'c/4']);
    expectEcho(outcomes[0], 0);
    const e = expectCrash(outcomes[1], 'c/boom', 'exited with code 3', 'fatal: cannot handle c/boom');
    expect(e.details).toMatchObject({ reason: 'exit', exitCode: 3 });
    expectEcho(outcomes[2], 2);
    expectEcho(outcomes[3], 3);
    expect(restarts).toBe(2);
  });

  it('a Python adapter dying with a traceback: exit code 1 and the traceback in the report', async () => {
    const { outcomes } = await runAll('traceback.py', ['t/1', 't/bug', 't/3'], { command: `/usr/bin/python3 ${fixtures}traceback.py` });
    expectEcho(outcomes[0], 0);
    expectCrash(outcomes[1], 't/bug', 'exited with code 1 before answering', 'Traceback (most recent call last)', "KeyError: 'no-such-key'");
    expectEcho(outcomes[2], 2);
  });

  it('hang: the case times out, the process group is killed, later cases still pass', async () => {
    const t0 = Date.now();
    const { outcomes, restarts } = await runAll('hang.mjs', ['h/1', 'h/hang', 'h/3'], {}, 400);
    expectEcho(outcomes[0], 0);
    expect(outcomes[1].ok).toBe(false);
    if (!outcomes[1].ok) {
      expect(outcomes[1].error).toBeInstanceOf(ImplementationTimeout);
      expect(outcomes[1].error.name).toBe('TimeoutError');
      expect(outcomes[1].error.message).toContain('h/hang');
    }
    expectEcho(outcomes[2], 2);
    expect(restarts).toBe(2);
    expect(Date.now() - t0).toBeLessThan(6000);
  });

  it('garbage: a non-JSON stdout line fails that case, quoting the line', async () => {
    const { outcomes } = await runAll('garbage.mjs', ['g/1', 'g/garbage', 'g/3']);
    expectEcho(outcomes[0], 0);
    const e = expectCrash(outcomes[1], 'g/garbage', 'not JSON', '"loss computed OK, returning"');
    expect(e.details.reason).toBe('protocol');
    expectEcho(outcomes[2], 2);
  });

  it('wrong id: names the expected and the received seq/id', async () => {
    const { outcomes } = await runAll('wrong-id.mjs', ['w/1', 'w/wrong', 'w/3']);
    expectEcho(outcomes[0], 0);
    expectCrash(outcomes[1], 'answered seq 102 id "some/other-case" where seq 2 id "w/wrong" was expected');
    expectEcho(outcomes[2], 2);
  });

  it('partial line then exit: the fragment is quoted', async () => {
    const { outcomes } = await runAll('partial.mjs', ['p/1', 'p/partial', 'p/3']);
    expectEcho(outcomes[0], 0);
    expectCrash(outcomes[1], 'p/partial', 'in the middle of an answer', '{\\"seq\\":2,\\"id\\":\\"p/partia');
    expectEcho(outcomes[2], 2);
  });

  it('stderr flood (megabytes per case): never blocks, keeps only a bounded tail', async () => {
    const runner = createRunner({ command: `${node} ${fixtures}stderr-flood.mjs` });
    await runner.init();
    try {
      for (let k = 0; k < 3; k++) {
        const r = await runner.run(args(k), { caseId: `f/${k}`, profile: 'cpu', signal: new AbortController().signal });
        expect(r.kind).toBe('output');
      }
      // 12 MiB went to stderr so far; a crash report carries only a bounded tail.
      const crash = await Promise.resolve(runner.run(args(9), { caseId: 'f/boom', profile: 'cpu', signal: new AbortController().signal })).catch((e: Error) => e);
      expect(crash).toBeInstanceOf(ImplementationCrash);
      const tail = (crash as ImplementationCrash).details.stderrTail ?? '';
      expect(tail).toContain('flood done for f/boom');
      expect(tail.length).toBeLessThan(5000);
      expect(tail).toMatch(/earlier bytes dropped/);
    } finally {
      await runner.close();
    }
  });

  it('exits halfway (code 0): the unanswered requests go to a restarted process and all pass', async () => {
    const ids = ['x/0', 'x/1', 'x/2', 'x/3', 'x/4', 'x/5'];
    const { outcomes, restarts } = await runAll('exit-halfway.mjs', ids);
    outcomes.forEach((o, k) => expectEcho(o, k));
    // Each process answers two requests and leaves on the third: three processes.
    expect(restarts).toBe(3);
  });

  it('a process that always exits cleanly without answering: the case crashes after one resend', async () => {
    const { outcomes, restarts } = await runAll('exit-silently.mjs', ['s/1', 's/2']);
    expectCrash(outcomes[0], 's/1', 'exited with code 0 before answering (also after being sent again to a new process)');
    expectCrash(outcomes[1], 's/2');
    expect(restarts).toBe(4);
  });

  it('a command that cannot start fails init() with the command named', async () => {
    const runner = createRunner({ command: '/nonexistent/impl --flag' });
    await expect(runner.init()).rejects.toThrow(/cannot start '\/nonexistent\/impl'.*ENOENT/);
    await runner.close();
  });

  it('an aborted call rejects as a timeout and does not disturb the next case', async () => {
    const runner = createRunner({ command: `${node} ${fixtures}hang.mjs` });
    await runner.init();
    try {
      const ac = new AbortController();
      const p = Promise.resolve(runner.run(args(0), { caseId: 'a/hang', profile: 'cpu', signal: ac.signal }));
      setTimeout(() => ac.abort(), 200);
      await expect(p).rejects.toBeInstanceOf(ImplementationTimeout);
      const r = await runner.run(args(1), { caseId: 'a/next', profile: 'cpu', signal: new AbortController().signal });
      expect(r.kind).toBe('output');
    } finally {
      await runner.close();
    }
  });
});
