/**
 * The implementation side of exec protocol 2 in JavaScript: a loop that sends the hello,
 * reads requests (protocol 1 lines or protocol 2 lines with their raw tensor bytes),
 * hands each to a handler one at a time and writes its answer, output tensors as raw
 * bytes. The module runner's host (runners/module/host.ts) is built on it, and it is the
 * reference for adapters in other languages (spec/exec-protocol.md describes the same
 * steps).
 */
import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CallArgs, ProfileName, RunnerResult } from '../../common/types.js';
import { LineSplitter } from './line-splitter.js';
import { tensorBytes } from '../../common/tensor.js';
import { argsFromWire, payloadSizes, type WireArgs } from './wire.js';

export interface ServeRequest {
  id: string;
  seq: number;
  profile: ProfileName;
  args: CallArgs;
}

/** An answer: the operator's result, or a crash the adapter reports (it could not make the call or express the result). */
export type ServeAnswer = RunnerResult | { kind: 'crash'; message: string };

export interface ServeOptions {
  hello: { name: string; version?: string; nativeProfile?: ProfileName };
  /** Descriptor answers are written to (default 1, stdout; the module host uses 3). */
  answerFd?: number;
  /** Where requests come from (default process.stdin). */
  input?: Readable;
  /** Called when the input ends (default: nothing; the process then exits once idle). */
  onEnd?: () => void;
}

/** Writes all of `b` to a descriptor, waiting out a full non-blocking pipe. */
function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** The answer's line and, for an output, the raw bytes that follow it. */
export function encodeAnswer(seq: number, id: string, a: ServeAnswer): Uint8Array[] {
  if (a.kind === 'error') return [Buffer.from(JSON.stringify({ seq, id, error: { type: a.errorType, message: a.message } }) + '\n')];
  if (a.kind === 'crash') return [Buffer.from(JSON.stringify({ seq, id, crash: { message: a.message } }) + '\n')];
  const bytes = tensorBytes(a.tensor);
  const header = { seq, id, output: { type: 'tensor', dtype: a.tensor.dtype, shape: a.tensor.shape, bytes: bytes.length } };
  return [Buffer.from(JSON.stringify(header) + '\n'), bytes];
}

/**
 * Serves requests until the input ends. Requests are handled strictly one after the
 * other, in order; a handler that throws gets a crash answer with its message.
 */
export function serve(handle: (req: ServeRequest) => Promise<ServeAnswer>, opts: ServeOptions): void {
  const fd = opts.answerFd ?? 1;
  const input = opts.input ?? process.stdin;
  writeAll(fd, Buffer.from(JSON.stringify({ protocol: 2, hello: opts.hello }) + '\n'));
  const queue: ServeRequest[] = [];
  let busy = false;
  let ended = false;

  const next = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      const req = queue.shift()!;
      let answer: ServeAnswer;
      try {
        answer = await handle(req);
      } catch (e) {
        answer = { kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      }
      for (const part of encodeAnswer(req.seq, req.id, answer)) writeAll(fd, part);
    }
    busy = false;
    if (ended) opts.onEnd?.();
  };

  const reader = new LineSplitter(
    (line) => {
      if (line === '') return;
      const r = JSON.parse(line) as { id: string; seq: number; profile: ProfileName; args: WireArgs };
      reader.expectPayloads(payloadSizes(r.args), (payloads) => {
        queue.push({ id: r.id, seq: r.seq, profile: r.profile, args: argsFromWire(r.args, payloads) });
        void next();
      });
    },
    (n) => {
      throw new Error(`request line longer than ${n} bytes`);
    },
  );
  input.on('data', (c: Buffer) => reader.push(c));
  input.on('end', () => {
    ended = true;
    if (!busy) opts.onEnd?.();
  });
}
