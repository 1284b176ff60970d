/**
 * The exec runner: checks an implementation that runs as a separate, long-lived
 * process speaking spec/exec-protocol.md over stdin/stdout.
 *
 * Requests are pipelined (up to `window` written ahead) and answered strictly in order,
 * so the oldest unanswered request is always the one the process is working on. That
 * makes every failure attributable: a crash, hang, garbage line, wrong seq/id or
 * half-written line fails exactly that case; the process is replaced and the requests
 * written after it are sent again to the new process, so no case is skipped or blamed
 * for another case's failure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { basename } from 'node:path';
import { ImplementationCrash, ImplementationTimeout, type CrashDetails } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult } from '../../common/types.js';
import { splitCommandLine } from './argv.js';
import { LineSplitter } from './line-splitter.js';
import { parseResponseLine } from './response-schema.js';
import { TailBuffer } from './tail-buffer.js';
import { argsToWire, tensorFromWire } from './wire.js';

export { splitCommandLine, CommandLineError } from './argv.js';

export interface ExecRunnerOptions {
  /** The command line (split like a shell would, but no shell runs it). */
  command: string;
  /** Per-case time limit in ms, counted from when the case becomes the oldest unanswered one. Default 10 000. */
  timeoutMs?: number;
  /** Extra time for the first answer of each process (interpreter and library start-up). Default 20 000. */
  startupGraceMs?: number;
  /** Requests written ahead of the answers. 1 = strict request/response. Default 16. */
  window?: number;
  /** The profile reported as the runner's native one. Default 'cpu'. */
  profile?: ProfileName;
  /** Working directory and environment of the process. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes of stderr kept (the tail). Default 64 KiB. */
  stderrTailBytes?: number;
  /** Called with each chunk of the process's stderr (e.g. to pass it through); stderr is drained regardless. */
  onStderr?: (chunk: Buffer) => void;
}

interface Pending {
  seq: number;
  id: string;
  line: string;
  /** The process generation the request was written to (0 = not written yet). */
  writtenTo: number;
  /** Times it was sent again because a process exited cleanly without answering it. */
  resent: number;
  resolve: (r: RunnerResult) => void;
  reject: (e: Error) => void;
  unlisten: () => void;
}

interface Proc {
  gen: number;
  child: ChildProcessWithoutNullStreams;
  stderr: TailBuffer;
  lines: LineSplitter;
  /** Set once the process has written any stdout line (hello or answer): start-up is over. */
  started: boolean;
  dead: boolean;
  exit: Promise<void>;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A harness that exits (normally or on an uncaught error) takes its implementations along.
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Quote a line for a message: JSON-escaped and cut to `max` characters. */
function quote(s: string, max = 300): string {
  const cut = s.length > max ? s.slice(0, max) + `... (${s.length} characters)` : s;
  return JSON.stringify(cut);
}

export class ExecRunner implements Runner {
  readonly nativeProfile: ProfileName;
  private readonly argv: string[];
  private readonly timeoutMs: number;
  private readonly startupGraceMs: number;
  private readonly window: number;
  private readonly tailBytes: number;
  private helloName: string | undefined;
  private helloVersion: string | undefined;
  private proc: Proc | undefined;
  private gen = 0;
  private nextSeq = 1;
  private queue: Pending[] = [];
  private headTimer: NodeJS.Timeout | undefined;
  private headTimerFor: Pending | undefined;
  private closed = false;
  /** Process starts, for diagnostics and tests. */
  restarts = 0;

  constructor(private readonly opts: ExecRunnerOptions) {
    this.argv = splitCommandLine(opts.command);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.startupGraceMs = opts.startupGraceMs ?? 20_000;
    this.window = Math.max(1, opts.window ?? 16);
    this.tailBytes = opts.stderrTailBytes ?? 64 * 1024;
    this.nativeProfile = opts.profile ?? 'cpu';
  }

  get name(): string {
    return this.helloName ?? `exec:${this.argv.map((a, i) => (i === 0 ? basename(a) : a)).join(' ')}`;
  }

  get version(): string {
    return this.helloVersion ?? 'unknown';
  }

  /** Starts the process and fails clearly when the command cannot run at all. */
  async init(): Promise<void> {
    const p = this.start();
    await new Promise<void>((resolve, reject) => {
      p.child.once('spawn', () => resolve());
      p.child.once('error', (e) => reject(new Error(`cannot start '${this.argv[0]}' (from --command ${quote(this.opts.command)}): ${e.message}`)));
    });
  }

  run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    if (this.closed) return Promise.reject(new Error('exec runner: run() after close()'));
    const seq = this.nextSeq++;
    const line = JSON.stringify({ protocol: 1, id: ctx.caseId, seq, profile: ctx.profile, args: argsToWire(args) }) + '\n';
    return new Promise<RunnerResult>((resolve, reject) => {
      const req: Pending = { seq, id: ctx.caseId, line, writtenTo: 0, resent: 0, resolve, reject, unlisten: () => {} };
      if (ctx.signal) {
        if (ctx.signal.aborted) {
          reject(new ImplementationTimeout(`case ${ctx.caseId}: aborted before it was sent`, this.timeoutMs));
          return;
        }
        const onAbort = () => this.abort(req);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        req.unlisten = () => ctx.signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(req);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearHeadTimer();
    for (const r of this.queue.splice(0)) {
      r.unlisten();
      r.reject(new Error(`exec runner closed before case ${r.id} was answered`));
    }
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.dead) return;
    // End of input asks the process to exit; give it 2 s, then kill the group.
    p.child.stdin.end();
    const timer = setTimeout(() => killGroup(p.child.pid!), 2000);
    await p.exit;
    clearTimeout(timer);
  }

  // ---------------------------------------------------------------------------

  private start(): Proc {
    installExitHook();
    const gen = ++this.gen;
    this.restarts++;
    const child = spawn(this.argv[0], this.argv.slice(1), {
      cwd: this.opts.cwd,
      env: this.opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group: a timeout kills the implementation and anything it started.
      detached: true,
    });
    const stderr = new TailBuffer(this.tailBytes);
    const p: Proc = {
      gen,
      child,
      stderr,
      started: false,
      dead: false,
      lines: new LineSplitter(
        (l) => this.onLine(p, l),
        (n) => this.protocolFailure(p, `wrote a line longer than ${n} bytes without a newline`),
      ),
      exit: new Promise<void>((resolve) => child.once('close', () => resolve())),
    };
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.stdout.on('data', (c: Buffer) => {
      if (this.proc === p) p.lines.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr.push(c);
      this.opts.onStderr?.(c);
    });
    // EPIPE after the process died: the 'close' handler reports it.
    child.stdin.on('error', () => {});
    child.on('error', (e) => {
      // Spawn failure (e.g. ENOENT): no 'close' follows a failed spawn on every Node
      // version, so report it here.
      if (child.pid === undefined) this.onClose(p, null, null, `could not be started: ${e.message}`);
    });
    child.once('close', (code, signal) => this.onClose(p, code, signal));
    this.proc = p;
    return p;
  }

  /** Write what the window allows and make sure the head has a timer. */
  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    if (!this.proc || this.proc.dead) this.start();
    const p = this.proc!;
    let inFlight = 0;
    for (const r of this.queue) {
      if (r.writtenTo === p.gen) {
        inFlight++;
        continue;
      }
      if (inFlight >= this.window) break;
      r.writtenTo = p.gen;
      p.child.stdin.write(r.line);
      inFlight++;
    }
    this.armHeadTimer();
  }

  private armHeadTimer(): void {
    const head = this.queue[0];
    if (!head || this.headTimerFor === head) return;
    this.clearHeadTimer();
    const p = this.proc;
    const limit = this.timeoutMs + (p && !p.started ? this.startupGraceMs : 0);
    this.headTimerFor = head;
    this.headTimer = setTimeout(() => {
      this.headTimer = undefined;
      this.headTimerFor = undefined;
      if (this.queue[0] !== head) return;
      // The process working on the head now (it may have been replaced since arming).
      const now = this.proc;
      const tail = now?.stderr.text(2000);
      this.failHead(new ImplementationTimeout(`case ${head.id}: no answer within ${limit} ms; the process was killed`, limit, tail));
      if (now) this.retire(now);
      this.pump();
    }, limit);
  }

  private clearHeadTimer(): void {
    if (this.headTimer) clearTimeout(this.headTimer);
    this.headTimer = undefined;
    this.headTimerFor = undefined;
  }

  private failHead(e: Error): void {
    const head = this.queue.shift();
    if (!head) return;
    this.clearHeadTimer();
    head.unlisten();
    head.reject(e);
  }

  /** Kill a process we no longer trust; its later events are ignored (this.proc moved on). */
  private retire(p: Proc): void {
    if (this.proc === p) this.proc = undefined;
    if (!p.dead && p.child.pid !== undefined) killGroup(p.child.pid);
    // Requests already written to it must go to the next process.
    for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
  }

  private crashDetails(p: Proc, reason: CrashDetails['reason'], code?: number | null, signal?: string | null): CrashDetails {
    return { reason, exitCode: code ?? null, signal: signal ?? null, stderrTail: p.stderr.text(4000) };
  }

  private protocolFailure(p: Proc, what: string): void {
    if (this.proc !== p) return;
    const head = this.queue[0];
    const msg = head
      ? `case ${head.id} (seq ${head.seq}): the implementation ${what}`
      : `the implementation ${what} while no request was outstanding`;
    if (head) this.failHead(new ImplementationCrash(msg, this.crashDetails(p, 'protocol')));
    else p.stderr.push(Buffer.from(`\n[smoothl1 exec runner: ${msg}; process restarted]\n`));
    this.retire(p);
    this.pump();
  }

  private onLine(p: Proc, line: string): void {
    if (this.proc !== p) return;
    p.started = true;
    const parsed = parseResponseLine(line);
    if (!parsed.ok) return this.protocolFailure(p, `wrote a stdout line that is ${parsed.reason}: ${quote(line)}`);
    const v = parsed.value;
    if ('hello' in v) {
      this.helloName = v.hello.name;
      this.helloVersion = v.hello.version ?? this.helloVersion;
      return;
    }
    const head = this.queue[0];
    if (!head || head.writtenTo !== p.gen) return this.protocolFailure(p, `answered seq ${v.seq} (id ${quote(v.id)}) that was never asked`);
    if (v.seq !== head.seq || v.id !== head.id) {
      return this.protocolFailure(p, `answered seq ${v.seq} id ${quote(v.id)} where seq ${head.seq} id ${quote(head.id)} was expected`);
    }
    this.queue.shift();
    this.clearHeadTimer();
    head.unlisten();
    if ('error' in v) {
      head.resolve({ kind: 'error', errorType: v.error.type, message: v.error.message });
    } else {
      try {
        head.resolve({ kind: 'output', tensor: tensorFromWire(v.output) });
      } catch (e) {
        // The stream is still in step; only this answer is unusable.
        head.reject(new ImplementationCrash(`case ${head.id}: ${(e as Error).message}`, this.crashDetails(p, 'protocol')));
      }
    }
    this.pump();
  }

  private onClose(p: Proc, code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (p.dead) return;
    p.dead = true;
    if (p.child.pid !== undefined) liveGroups.delete(p.child.pid);
    if (this.proc !== p) return;
    this.proc = undefined;
    const head = this.queue[0];
    if (head && head.writtenTo === p.gen) {
      const fragment = p.lines.pending();
      // A clean exit (code 0, no half-written line) may just be a process that stops after
      // some requests, or one that never saw this one: send it once more to a new process.
      // Only a second clean exit without an answer counts as this case's crash.
      const clean = why === undefined && code === 0 && signal === null && fragment === '';
      if (clean && head.resent === 0) {
        for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
        head.resent++;
        this.clearHeadTimer();
        this.pump();
        return;
      }
      const how = why ?? (signal ? `was killed by signal ${signal}` : `exited with code ${code}`);
      const again = clean ? ' (also after being sent again to a new process)' : '';
      const msg = fragment
        ? `case ${head.id} (seq ${head.seq}): the process ${how} in the middle of a line: ${quote(fragment)}`
        : `case ${head.id} (seq ${head.seq}): the process ${how} before answering${again}`;
      const tail = p.stderr.text(2000);
      this.failHead(new ImplementationCrash(tail ? `${msg}\nstderr (last part):\n${tail}` : msg, this.crashDetails(p, why ? 'spawn' : 'exit', code, signal)));
    }
    for (const r of this.queue) if (r.writtenTo === p.gen) r.writtenTo = 0;
    this.pump();
  }

  private abort(req: Pending): void {
    const i = this.queue.indexOf(req);
    if (i < 0) return;
    this.queue.splice(i, 1);
    if (this.headTimerFor === req) this.clearHeadTimer();
    const p = this.proc;
    // The process may be working on it (or will): start over without it.
    if (req.writtenTo !== 0 && p && req.writtenTo === p.gen) this.retire(p);
    req.reject(new ImplementationTimeout(`case ${req.id}: abandoned by the harness (time limit)`, this.timeoutMs, p?.stderr.text(2000)));
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
