/**
 * Reading an implementation's answer without trusting it. An answer is read exactly once,
 * inside a try block, into a plain RunnerResult whose tensor data is a fresh copy: a Proxy
 * that throws on access or a getter that throws becomes a reason (a crash of the case), a
 * typed array the implementation keeps writing to afterwards cannot change the verdict,
 * and everything after this point works on plain data.
 *
 * Shared by the harness (in-process runners) and the module runner's host process, which
 * reads the module's answer the same way before sending it.
 */
import { isKnownDType } from './spec-data.js';
import { numel, storageClass, valuesPerElement } from './tensor.js';
import type { RunnerResult, Tensor, TensorData } from './types.js';

export { storageClass, valuesPerElement };

function isTensorLike(v: object): boolean {
  return 'dtype' in v && 'shape' in v && 'data' in v && !('kind' in v);
}

function read(r: unknown): RunnerResult | string {
  if (typeof r !== 'object' || r === null) return `expected an object, got ${r === null ? 'null' : typeof r}`;
  // A bare tensor is shorthand for an output (the module runner's function form).
  const o = r as Record<string, unknown>;
  const kind = isTensorLike(o) ? 'output' : o.kind;
  if (kind === 'error') {
    const errorType = o.errorType;
    const message = o.message;
    if (typeof errorType !== 'string' || errorType === '') return 'error answer without an errorType string';
    if (typeof message !== 'string') return 'error answer without a message string';
    return { kind: 'error', errorType: String(errorType), message: String(message) };
  }
  if (kind !== 'output') return `kind must be 'output' or 'error', got ${typeof kind === 'string' ? JSON.stringify(kind) : typeof kind}`;
  const t = (isTensorLike(o) ? o : o.tensor) as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) return 'output answer without a tensor';
  const dtype = t.dtype;
  if (typeof dtype !== 'string' || !isKnownDType(dtype)) return `unknown tensor dtype ${typeof dtype === 'string' ? JSON.stringify(dtype) : typeof dtype}`;
  const rawShape = t.shape;
  if (!Array.isArray(rawShape) || rawShape.length > 64) return `tensor shape must be an array of at most 64 non-negative integers`;
  const shape: number[] = [];
  for (let i = 0; i < rawShape.length; i++) {
    const d = rawShape[i] as unknown;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return `tensor shape must be an array of non-negative integers, got ${JSON.stringify(rawShape)}`;
    shape.push(d);
  }
  const ctor = storageClass(dtype);
  const data = t.data;
  // ArrayBuffer.isView is false for a Proxy, whatever it pretends to be.
  if (!ArrayBuffer.isView(data) || !(data instanceof ctor)) return `${dtype} data must be a ${ctor.name}, got ${data === undefined ? 'nothing' : typeof data === 'object' && data !== null ? (Object.getPrototypeOf(data)?.constructor?.name ?? 'an object') : typeof data}`;
  let elements: number;
  try {
    elements = numel(shape);
  } catch (e) {
    return (e as Error).message;
  }
  const n = elements * valuesPerElement(dtype);
  const length = (data as TensorData).length;
  if (length !== n) return `a ${dtype} tensor of shape [${shape.join(',')}] needs ${n} stored values, got ${length}`;
  const copy = new ctor(n);
  // The built-in set() reads the source's buffer directly (no getters on the way).
  (ctor.prototype.set as (this: TensorData, src: TensorData) => void).call(copy, data as TensorData);
  const tensor: Tensor = { dtype, shape, data: copy };
  return { kind: 'output', tensor };
}

/**
 * Reads an answer into plain data, or says why it is not a valid answer. Never throws:
 * an exception raised while reading (a hostile getter or Proxy) is itself the reason.
 */
export function readRunnerResult(r: unknown): { ok: true; result: RunnerResult } | { ok: false; reason: string } {
  try {
    const v = read(r);
    return typeof v === 'string' ? { ok: false, reason: v } : { ok: true, result: v };
  } catch (e) {
    return { ok: false, reason: `reading the answer threw ${describeThrown(e)}` };
  }
}

/** A thrown value in words, without trusting it (its own getters may throw). */
export function describeThrown(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'an exception that cannot be described';
  }
}

export type Settled = { kind: 'value'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'unreadable'; reason: string };

/**
 * Calls `f` (a runner's run()) and waits for its answer without ever reading the answer
 * through a promise: resolving a promise with a hostile object reads its `then`, and a
 * throw there would pass for a throw of the call. A synchronous answer comes back as it
 * is; a thenable is awaited (its rejection is a throw of the call).
 */
export async function settle(f: () => unknown): Promise<Settled> {
  let r: unknown;
  try {
    r = f();
  } catch (e) {
    return { kind: 'threw', error: e };
  }
  let then: unknown;
  try {
    then = (typeof r === 'object' && r !== null) || typeof r === 'function' ? (r as { then?: unknown }).then : undefined;
  } catch (e) {
    return { kind: 'unreadable', reason: `reading the answer threw ${describeThrown(e)}` };
  }
  if (typeof then !== 'function') return { kind: 'value', value: r };
  try {
    // Boxed, so that the value the thenable delivers is not itself awaited.
    const boxed = await new Promise<{ v: unknown }>((resolve, reject) => (then as (ok: (v: unknown) => void, no: (e: unknown) => void) => void).call(r, (v) => resolve({ v }), reject));
    return { kind: 'value', value: boxed.v };
  } catch (e) {
    return { kind: 'threw', error: e };
  }
}
