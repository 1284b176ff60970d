/**
 * The exec runner: checks an implementation that runs as a separate, long-lived
 * process speaking spec/exec-protocol.md (protocol 1 or 2) over stdin/stdout.
 *
 * Requests are pipelined (up to `window` written ahead) and answered strictly in order,
 * so the oldest unanswered request is always the one the process is working on. That
 * makes every failure attributable: a crash, garbage line, wrong seq/id or half-written
 * answer fails exactly that case; the process is replaced and the requests written after
 * it are sent again to the new process, so no case is skipped or blamed for another
 * case's failure. An answer that comes twice voids the case it repeats (ctx.invalidate).
 *
 * The runner owns no clock: the harness owns the one time limit and aborts ctx.signal,
 * whereupon the process group is killed. The runner tells the harness (ctx.startingProcess)
 * when a request goes to a process that has not answered anything yet, so the harness can
 * add its start-up allowance.
 */
import { basename } from 'node:path';
import { ImplementationCrash, ImplementationTimeout, type CrashDetails } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult } from '../../common/types.js';
import { splitCommandLine } from './argv.js';
import { LineSplitter } from './line-splitter.js';
import { ImplementationProcess } from './process.js';
import { HelloError, type ExecRunnerOptions } from './options.js';
import { answerBytesLimit, needsProtocol2, quote, requestChunks, unsendableInProtocol1, type Answered, type Pending } from './requests.js';
import { parseResponseLine, type WireResponse } from './response-schema.js';
import { TailBuffer } from './tail-buffer.js';
import { tensorFromWire, type ProtocolVersion } from './wire.js';

export { splitCommandLine, CommandLineError } from './argv.js';
export { HelloError, type ExecRunnerOptions } from './options.js';
export { V1_MAX_TENSOR_CHARS } from './requests.js';

interface Proc {
  gen: number;
  impl: ImplementationProcess;
  stderr: TailBuffer;
  reader: LineSplitter;
  /** Set once the process has written any line (hello or answer): start-up is over. */
  started: boolean;
  protocol: ProtocolVersion;
  /** The last requests it answered (not their arguments), so that a repeated answer voids the right case. */
  answered: Answered[];
  dead: boolean;
}

export class ExecRunner implements Runner {
  readonly isolated = true;
  private readonly argv: string[];
  private readonly window: number;
  private readonly tailBytes: number;
  private hello: { name: string; version?: string; nativeProfile?: ProfileName } | undefined;
  private helloWaiters: (() => void)[] = [];
  private proc: Proc | undefined;
  private gen = 0;
  private nextSeq = 1;
  private queue: Pending[] = [];
  private closed = false;
  /** Process starts, for diagnostics and tests. */
  restarts = 0;

  constructor(private readonly opts: ExecRunnerOptions) {
    this.argv = opts.argv ?? splitCommandLine(opts.command);
    this.window = Math.max(1, opts.window ?? 16);
    this.tailBytes = opts.stderrTailBytes ?? 64 * 1024;
  }

  get name(): string {
    return this.hello?.name ?? `exec:${this.argv.map((a, i) => (i === 0 ? basename(a) : a)).join(' ')}`;
  }

  get version(): string {
    return this.hello?.version ?? 'unknown';
  }

  get nativeProfile(): ProfileName {
    return this.hello?.nativeProfile ?? this.opts.profile ?? 'cpu';
  }

  /** Whether a process has introduced itself with a hello line. */
  get helloReceived(): boolean {
    return this.hello !== undefined;
  }

  /** Starts the process (once) and fails clearly when the command cannot run at all. */
  async init(): Promise<void> {
    if (this.proc) return;
    const p = this.start();
    await new Promise<void>((resolve, reject) => {
      p.impl.child.once('spawn', () => resolve());
      p.impl.child.once('error', (e) => reject(new Error(`cannot start '${this.argv[0]}' (from --command ${quote(this.opts.command)}): ${e.message}`)));
    });
    if (this.opts.helloWithinMs === undefined || this.hello) return;
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), this.opts.helloWithinMs);
      this.helloWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (ok && this.hello) return;
    const tail = p.stderr.text(4000).trim();
    const how = p.dead ? 'ended' : `sent no hello within ${this.opts.helloWithinMs} ms`;
    if (!p.dead) p.impl.kill();
    throw new HelloError(`'${basename(this.argv[0])}' ${how} before it was ready${tail ? `:\n${tail}` : ''}`, tail);
  }

  run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    if (this.closed) return Promise.reject(new Error('exec runner: run() after close()'));
    const seq = this.nextSeq++;
    return new Promise<RunnerResult>((resolve, reject) => {
      const req: Pending = { seq, id: ctx.caseId, profile: ctx.profile, args, writtenTo: 0, resent: 0, held: false, ctx, resolve, reject, unlisten: () => {} };
      if (ctx.signal.aborted) {
        reject(new ImplementationTimeout(`case ${ctx.caseId}: aborted before it was sent`, 0));
        return;
      }
      const onAbort = () => this.abort(req);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      req.unlisten = () => ctx.signal.removeEventListener('abort', onAbort);
      this.queue.push(req);
      this.pump();
    });
  }

  /** End of input; bounded waits; the process group is killed if it lingers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.queue.splice(0)) {
      r.unlisten();
      r.reject(new Error(`exec runner closed before case ${r.id} was answered`));
    }
    const p = this.proc;
    if (!p || p.dead) return;
    // Lines that still arrive (a late second answer) are read until the process is gone.
    await p.impl.shutDown(2000);
    this.proc = undefined;
  }

  // ---------------------------------------------------------------------------

  private start(): Proc {
    const gen = ++this.gen;
    this.restarts++;
    const stderr = new TailBuffer(this.tailBytes);
    let p: Proc;
    const impl = new ImplementationProcess(this.argv, { cwd: this.opts.cwd, env: this.opts.env, answerFd: this.opts.answerFd }, {
      onAnswerBytes: (c) => {
        if (this.proc === p) p.reader.push(c);
      },
      onDiagnostics: (c) => {
        stderr.push(c);
        this.opts.onStderr?.(c);
      },
      onGone: (code, signal, why) => this.onGone(p, code, signal, why),
    });
    p = {
      gen,
      impl,
      stderr,
      started: false,
      protocol: 1,
      answered: [],
      dead: false,
      reader: new LineSplitter(
        (l) => this.onLine(p, l),
        (n) => this.protocolFailure(p, `wrote a line longer than ${n} bytes without a newline`),
      ),
    };
    this.proc = p;
    return p;
  }

  /** Write what the window allows, in order, each in the framing the process speaks. */
  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    if (!this.proc || this.proc.dead) this.start();
    const p = this.proc!;
    let inFlight = 0;
    const unsendable: Pending[] = [];
    for (const r of this.queue) {
      if (r.writtenTo === p.gen) {
        inFlight++;
        continue;
      }
      if (inFlight >= this.window) break;
      if (p.protocol === 1 && needsProtocol2(r.args)) {
        // Only a protocol 2 hello can make this request sendable; until the process has
        // said anything, wait for it (the harness's clock, with its start-up allowance, runs).
        if (!p.started) {
          r.held = true;
          r.ctx.startingProcess?.();
          break;
        }
        unsendable.push(r);
        continue;
      }
      r.held = false;
      r.writtenTo = p.gen;
      for (const chunk of requestChunks(r, p.protocol)) p.impl.stdin.write(chunk);
      if (!p.started) r.ctx.startingProcess?.();
      inFlight++;
    }
    for (const r of unsendable) {
      this.remove(r);
      r.reject(unsendableInProtocol1(r));
    }
  }

  private remove(r: Pending): void {
    const i = this.queue.indexOf(r);
    if (i >= 0) this.queue.splice(i, 1);
    r.unlisten();
  }

  private failHead(e: Error): void {
    const head = this.queue[0];
    if (!head) return;
    this.remove(head);
    head.reject(e);
  }

  /** Kill a process we no longer trust; its later events are ignored (this.proc moved on). */
  private retire(p: Proc): void {
    if (this.proc === p) this.proc = undefined;
    if (!p.dead) p.impl.kill();
    // Requests already written to it must go to the next process.
    for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
  }

  private crashDetails(p: Proc, reason: CrashDetails['reason'], code?: number | null, signal?: string | null): CrashDetails {
    return { reason, exitCode: code ?? null, signal: signal ?? null, stderrTail: p.stderr.text(4000) };
  }

  private protocolFailure(p: Proc, what: string): void {
    if (this.proc !== p) return;
    const head = this.queue[0];
    if (head && head.writtenTo === p.gen) this.failHead(new ImplementationCrash(`case ${head.id} (seq ${head.seq}): the implementation ${what}`, this.crashDetails(p, 'protocol')));
    else p.stderr.push(Buffer.from(`\n[smoothl1 exec runner: the implementation ${what} while no request was outstanding; process restarted]\n`));
    this.retire(p);
    this.pump();
  }

  /** A case already answered turns out not to be: the process sent something for it again, or after it. */
  private voidAnswered(p: Proc, r: Answered, what: string): void {
    r.ctx.invalidate?.(new ImplementationCrash(`case ${r.id} (seq ${r.seq}): the implementation ${what} (a protocol violation)`, this.crashDetails(p, 'protocol')));
    this.retire(p);
    this.pump();
  }

  private onLine(p: Proc, line: string): void {
    if (this.proc !== p) return;
    p.started = true;
    const parsed = parseResponseLine(line);
    if (!parsed.ok) return this.protocolFailure(p, `wrote a stdout line that is ${parsed.reason}: ${quote(line)}`);
    const v: WireResponse = parsed.value;
    if ('hello' in v) {
      p.protocol = v.protocol;
      this.hello = { ...v.hello, version: v.hello.version ?? this.hello?.version };
      for (const w of this.helloWaiters.splice(0)) w();
      this.pump();
      return;
    }
    if (p.protocol === 1 && ('crash' in v || ('output' in v && 'bytes' in v.output))) {
      return this.protocolFailure(p, `sent a protocol 2 answer (${'crash' in v ? 'crash' : 'raw bytes'}) without a protocol 2 hello: ${quote(line)}`);
    }
    const repeated = p.answered.find((r) => r.seq === v.seq);
    if (repeated) return this.voidAnswered(p, repeated, `answered seq ${v.seq} (id ${quote(v.id)}) a second time`);
    const head = this.queue[0];
    if (!head || head.writtenTo !== p.gen) {
      const last = p.answered[p.answered.length - 1];
      if (last) return this.voidAnswered(p, last, `sent an unsolicited response (seq ${v.seq}, id ${quote(v.id)}) after answering it`);
      return this.protocolFailure(p, `answered seq ${v.seq} (id ${quote(v.id)}) that was never asked`);
    }
    if (v.seq !== head.seq || v.id !== head.id) {
      return this.protocolFailure(p, `answered seq ${v.seq} id ${quote(v.id)} where seq ${head.seq} id ${quote(head.id)} was expected`);
    }
    if ('output' in v && 'bytes' in v.output) {
      const limit = answerBytesLimit(head.args);
      if (v.output.bytes > limit) return this.protocolFailure(p, `announced ${v.output.bytes} output bytes, more than any answer to this request can need (${limit})`);
      const output = v.output;
      p.reader.expectPayloads([output.bytes], ([bytes]) => {
        if (this.proc !== p || this.queue[0] !== head) return;
        this.answer(p, head, () => ({ kind: 'output', tensor: tensorFromWire(output, bytes) }));
      });
      return;
    }
    if ('crash' in v) return this.answer(p, head, () => { throw new ImplementationCrash(`case ${head.id}: ${v.crash.message}`, this.crashDetails(p, 'adapter')); });
    if ('error' in v) return this.answer(p, head, () => ({ kind: 'error', errorType: v.error.type, message: v.error.message }));
    return this.answer(p, head, () => ({ kind: 'output', tensor: tensorFromWire(v.output) }));
  }

  /** Settles the head with what `result` gives (an answer, or a thrown crash); the stream stays in step either way. */
  private answer(p: Proc, head: Pending, result: () => RunnerResult): void {
    this.remove(head);
    p.answered.push({ seq: head.seq, id: head.id, ctx: head.ctx });
    if (p.answered.length > 16) p.answered.shift();
    try {
      head.resolve(result());
    } catch (e) {
      head.reject(e instanceof ImplementationCrash ? e : new ImplementationCrash(`case ${head.id}: ${(e as Error).message}`, this.crashDetails(p, 'protocol')));
    }
    this.pump();
  }

  private onGone(p: Proc, code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (p.dead) return;
    p.dead = true;
    for (const w of this.helloWaiters.splice(0)) w();
    if (this.proc !== p) return;
    this.proc = undefined;
    const head = this.queue[0];
    if (head && head.writtenTo === p.gen) {
      const fragment = p.reader.pending();
      // A clean exit (code 0, nothing half-written) may just be a process that stops after
      // some requests, or one that never saw this one: send it once more to a new process.
      // Only a second clean exit without an answer counts as this case's crash.
      const clean = why === undefined && code === 0 && signal === null && fragment === '';
      if (clean && head.resent === 0 && this.opts.resendAfterCleanExit !== false) {
        for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
        head.resent++;
        this.pump();
        return;
      }
      const how = why ?? (signal ? `was killed by signal ${signal}` : `exited with code ${code}`);
      const again = clean && head.resent > 0 ? ' (also after being sent again to a new process)' : '';
      const msg = fragment
        ? `case ${head.id} (seq ${head.seq}): the process ${how} in the middle of an answer: ${quote(fragment)}`
        : `case ${head.id} (seq ${head.seq}): the process ${how} before answering${again}`;
      this.failHead(new ImplementationCrash(msg, this.crashDetails(p, why ? 'spawn' : 'exit', code, signal)));
    }
    for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
    this.pump();
  }

  private abort(req: Pending): void {
    if (!this.queue.includes(req)) return;
    this.remove(req);
    const p = this.proc;
    // The process may be working on it (or will): start over without it.
    if (req.writtenTo !== 0 && p && req.writtenTo === p.gen) this.retire(p);
    const why = req.held ? ': its tensors need exec protocol 2 and the process has sent no hello saying it speaks it' : '; the process was killed';
    req.reject(new ImplementationTimeout(`case ${req.id}: abandoned at the time limit${req.writtenTo === 0 && !req.held ? ' before it was sent' : why}`, 0, p?.stderr.text(4000)));
    this.pump();
  }
}

/**
 * The factory runners/registry.ts calls for `--runner exec --command "..."`. With
 * SMOOTHL1_EXEC_STDERR=1 in the environment the implementation's stderr is also copied
 * to ours (for debugging an adapter); it is drained and its tail kept either way.
 */
export function createRunner(opts: ExecRunnerOptions): ExecRunner {
  const passThrough = process.env.SMOOTHL1_EXEC_STDERR === '1' && opts.onStderr === undefined;
  return new ExecRunner(passThrough ? { ...opts, onStderr: (c) => process.stderr.write(c) } : opts);
}
