/**
 * Progress while a command checks many cases (`run`; later `fuzz`, `sweep`), on stderr.
 *
 * A redrawn bar (`\r`) only on a real, interactive terminal: stderr is a TTY, TERM is not
 * 'dumb' and no CI service is detected (CI services often give the job a pseudo-terminal,
 * and a bar drawn there fills the log with half lines). Everywhere else, plain lines: one
 * each time another tenth of the cases is done, and one at least every `intervalMs`
 * (30 s) while cases keep finishing, so a slow run still shows signs of life in a log.
 * During one long case (a 10^8-element tensor takes minutes) the caller's timer calls
 * tick(): the bar shows the case and its seconds so far, and plain output gets a line
 * naming the case still running every `intervalMs`. Nothing at all with --quiet.
 */
import { isUnexpected, type CaseResultJson } from '../harness/results.js';

/** Whether a CI service runs us: `CI` set to anything but '', 'false' or '0' (GitHub Actions, GitLab, CircleCI, Travis, Buildkite and others set CI=true). */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v.toLowerCase() !== 'false' && v !== '0';
}

/** What the display needs of a stream (process.stderr in use; a stand-in in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Whether the stream is a terminal a person watches: a TTY, TERM not 'dumb', no CI. */
export function interactiveTerminal(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb' && !underCi(env);
}

export interface ProgressDisplay {
  /** One case finished: `done` of `total` (Infinity: an open-ended search, which shows counts and no bar). */
  onResult(r: CaseResultJson, done: number, total: number): void;
  /** A case started, `done` of `total` before it. */
  onStart(caseId: string, done: number, total: number): void;
  /** Called by the caller's timer (about once a second): shows a case that is taking long. */
  tick(): void;
  /** The run is over: a drawn bar is erased (plain lines stay). */
  end(): void;
}

export interface ProgressOptions {
  quiet: boolean;
  stream?: ProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds since some fixed point (default: the monotonic clock). */
  now?: () => number;
  /** Longest gap between two plain lines while cases finish (default 30 000 ms). */
  intervalMs?: number;
  /** What is counted, in the plural (default 'cases'; `fuzz` counts 'calls'). */
  unit?: string;
}

const BAR_WIDTH = 30;

export function progressDisplay(o: ProgressOptions): ProgressDisplay {
  const stream = o.stream ?? process.stderr;
  const now = o.now ?? (() => performance.now());
  const intervalMs = o.intervalMs ?? 30_000;
  const unit = o.unit ?? 'cases';
  const bar = !o.quiet && interactiveTerminal(stream, o.env ?? process.env);
  let unexpected = 0;
  let lastTenth = 0;
  let lastLine = now();
  let drawn = false;
  /** The case in progress (between onStart and its onResult). */
  let running: { id: string; since: number; done: number; total: number } | undefined;
  const drawBar = (done: number, total: number, tail: string) => {
    const bounded = Number.isFinite(total);
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    const cols = stream.columns || 100; // 0 under some pseudo-terminals
    const head = bounded ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}` : `${done} ${unit}`;
    const line = `${head}${unexpected ? ` ${unexpected} unexpected` : ''} ${tail}`;
    stream.write('\r\x1b[K' + line.slice(0, Math.max(20, cols - 1)));
    drawn = true;
  };
  return {
    onStart(caseId, done, total) {
      running = { id: caseId, since: now(), done, total };
    },
    tick() {
      if (o.quiet || !running) return;
      const t = now();
      const seconds = Math.floor((t - running.since) / 1000);
      if (bar) {
        if (seconds >= 2) drawBar(running.done, running.total, `${running.id} (${seconds} s)`);
        return;
      }
      if (t - running.since >= intervalMs && t - lastLine >= intervalMs) {
        lastLine = t;
        const of = Number.isFinite(running.total) ? `/${running.total}` : '';
        stream.write(`progress: ${running.done}${of} ${unit} done, ${running.id} running for ${seconds} s, ${unexpected} unexpected so far\n`);
      }
    },
    onResult(r, done, total) {
      running = undefined;
      if (isUnexpected(r.status)) unexpected++;
      if (o.quiet) return;
      const bounded = Number.isFinite(total);
      if (bar) {
        drawBar(done, total, r.id);
        return;
      }
      const tenth = !bounded ? 0 : total === 0 ? 10 : Math.floor((done / total) * 10);
      const t = now();
      if (tenth > lastTenth || done === total || t - lastLine >= intervalMs) {
        lastTenth = tenth;
        lastLine = t;
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        stream.write(bounded ? `progress: ${done}/${total} ${unit} (${percent}%), ${unexpected} unexpected so far\n` : `progress: ${done} ${unit}, ${unexpected} unexpected so far\n`);
      }
    },
    end() {
      running = undefined;
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
