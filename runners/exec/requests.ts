/**
 * Requests on the wire: their bytes in the framing a process speaks, whether protocol 1
 * can carry them at all, and how large an answer to them may reasonably be.
 */
import { ImplementationCrash } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, RunnerResult } from '../../common/types.js';
import { argsToWire, base64Chars, type ProtocolVersion } from './wire.js';

/** The longest protocol 1 line the suite builds: well inside V8's string limit (2^29 - 24 characters). */
export const V1_MAX_TENSOR_CHARS = 2 ** 28;

export interface RequestData {
  seq: number;
  id: string;
  profile: ProfileName;
  args: CallArgs;
}

/** A request of the queue: its data, where it was written, and how to settle it. */
export interface Pending extends RequestData {
  /** The process generation the request was written to (0 = not written yet). */
  writtenTo: number;
  /** Times it was sent again because a process exited cleanly without answering it. */
  resent: number;
  /** Held back until the process's hello says which protocol it speaks (tensors too large for protocol 1). */
  held: boolean;
  ctx: RunContext;
  resolve: (r: RunnerResult) => void;
  reject: (e: Error) => void;
  unlisten: () => void;
}

export type Answered = Pick<Pending, 'seq' | 'id' | 'ctx'>;

/** Whether the request's tensors are too large for a protocol 1 line. */
export function needsProtocol2(args: CallArgs): boolean {
  return base64Chars(args) > V1_MAX_TENSOR_CHARS;
}

/** The request's line and, in protocol 2, the raw tensor bytes after it (views, not copies). */
export function requestChunks(r: RequestData, protocol: ProtocolVersion): (string | Buffer)[] {
  const payloads: Buffer[] = [];
  const header = { protocol, id: r.id, seq: r.seq, profile: r.profile, args: argsToWire(r.args, protocol, payloads) };
  return [JSON.stringify(header) + '\n', ...payloads];
}

/** The crash of a request a protocol 1 process cannot be sent. */
export function unsendableInProtocol1(r: RequestData): ImplementationCrash {
  return new ImplementationCrash(
    `case ${r.id}: its tensors need a ${Math.round(base64Chars(r.args) / 2 ** 20)} MiB protocol 1 line, more than the suite builds; the implementation must speak exec protocol 2 (raw tensor bytes, announced by a hello with "protocol": 2; spec/exec-protocol.md)`,
    { reason: 'protocol' },
  );
}

/** Quote a line for a message: JSON-escaped and cut to `max` characters. */
export function quote(s: string, max = 300): string {
  const cut = s.length > max ? s.slice(0, max) + `... (${s.length} characters)` : s;
  return JSON.stringify(cut);
}

/** Bytes an answer to these arguments can reasonably need: eight times the largest input tensor, plus 1 MiB. */
export function answerBytesLimit(args: CallArgs): number {
  let largest = 0;
  for (const v of [args.logits, args.labels, args.beta, args.reduction]) if (v?.type === 'tensor') largest = Math.max(largest, v.tensor.data.byteLength);
  return 8 * largest + (1 << 20);
}

