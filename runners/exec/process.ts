/**
 * One implementation process of the exec runner: started in its own process group
 * (registered in common/process-groups.ts, so whoever ends the run can kill it), its
 * answer stream and stderr drained from the start, and its end reported exactly once and
 * in bounded time, even when a grandchild it left behind keeps the pipes open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { killGroup, registerGroup, unregisterGroup } from '../../common/process-groups.js';

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Read answers from this descriptor (3) instead of stdout; stdout then counts as diagnostics. */
  answerFd?: 3;
}

export interface ProcessHandlers {
  onAnswerBytes(chunk: Buffer): void;
  /** stderr, and stdout when answers come on another descriptor. */
  onDiagnostics(chunk: Buffer): void;
  /** The process is gone (exit code / signal), or could not be started (`why`). Called once. */
  onGone(code: number | null, signal: NodeJS.Signals | null, why?: string): void;
}

/** After the process exits, how long its pipes may stay open (a grandchild holding them) before we stop reading. */
const PIPE_GRACE_MS = 300;

export class ImplementationProcess {
  readonly child: ChildProcess;
  readonly stdin: Writable;
  private gone = false;
  private readonly goneWaiters: (() => void)[] = [];

  constructor(argv: string[], opts: SpawnOptions, private readonly h: ProcessHandlers) {
    const stdio: ('pipe' | 'ignore')[] = opts.answerFd === 3 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
    // Own process group (detached): a timeout kills the implementation and anything it started.
    this.child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio, detached: true });
    this.stdin = this.child.stdin!;
    const answers = (opts.answerFd === 3 ? this.child.stdio[3] : this.child.stdout) as Readable;
    const diagnostics = opts.answerFd === 3 ? [this.child.stdout!, this.child.stderr!] : [this.child.stderr!];
    if (this.child.pid !== undefined) registerGroup(this.child.pid);
    answers.on('data', (c: Buffer) => {
      if (!this.gone) h.onAnswerBytes(c);
    });
    for (const d of diagnostics) d.on('data', (c: Buffer) => h.onDiagnostics(c));
    // EPIPE after the process died: the exit handler reports it.
    this.stdin.on('error', () => {});
    for (const s of [answers, ...diagnostics]) s.on('error', () => {});
    this.child.on('error', (e) => {
      // Spawn failure (e.g. ENOENT): no 'close' follows a failed spawn on every Node version.
      if (this.child.pid === undefined) this.finish(null, null, `could not be started: ${e.message}`);
    });
    this.child.once('close', (code, signal) => this.finish(code, signal));
    this.child.once('exit', (code, signal) => {
      // What the leader left behind in its group goes with it.
      this.releaseGroup();
      // 'close' waits for the pipes; a grandchild that keeps them open must not hold us.
      setTimeout(() => {
        if (this.gone) return;
        this.stopReading();
        this.finish(code, signal);
      }, PIPE_GRACE_MS).unref();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Resolves once the process ended; waits are bounded by the caller. */
  whenGone(ms: number): Promise<boolean> {
    if (this.gone) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.goneWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** SIGKILL to the whole group. */
  kill(): void {
    if (this.child.pid !== undefined) killGroup(this.child.pid);
  }

  /**
   * End of input, then bounded waits: `graceMs` for the process to leave on its own, then
   * SIGKILL to its group and up to 1 s more; whatever still holds our pipes after that (a
   * grandchild in a session of its own) is cut off, so the caller can always go on.
   */
  async shutDown(graceMs: number): Promise<void> {
    if (this.gone) return;
    this.stdin.end();
    if (await this.whenGone(graceMs)) return;
    this.kill();
    if (await this.whenGone(1000)) return;
    this.stopReading();
    this.finish(null, 'SIGKILL', 'did not exit after SIGKILL');
  }

  private groupReleased = false;
  private releaseGroup(): void {
    if (this.groupReleased || this.child.pid === undefined) return;
    this.groupReleased = true;
    killGroup(this.child.pid);
    unregisterGroup(this.child.pid);
  }

  private stopReading(): void {
    for (const s of this.child.stdio) (s as Readable | Writable | null)?.destroy();
    this.child.unref();
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (this.gone) return;
    this.gone = true;
    this.releaseGroup();
    this.h.onGone(code, signal, why);
    for (const w of this.goneWaiters.splice(0)) w();
  }
}
