/**
 * Cuts a byte stream into '\n'-terminated lines and, for protocol 2, the raw payloads
 * that follow a line. Chunks are kept as Buffers until a newline arrives, so a
 * multi-megabyte line costs one concat, not a quadratic string build; a line longer than
 * `maxLineBytes` is reported instead of growing memory without bound. A payload is copied
 * straight into one buffer of its announced size (no concatenation, no string).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Payloads being read after a line: their sizes, the finished ones, the one being filled. */
  private payload: { sizes: number[]; done: Uint8Array[]; current: Uint8Array | undefined; filled: number; onDone: (parts: Uint8Array[]) => void } | undefined;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (bytes: number) => void,
    private readonly maxLineBytes = 256 * 1024 * 1024,
  ) {}

  /**
   * Called from onLine: the next bytes of the stream are payloads of these sizes (in
   * order), handed to onDone as fresh buffers once all have arrived; then lines resume.
   */
  expectPayloads(sizes: number[], onDone: (parts: Uint8Array[]) => void): void {
    if (sizes.every((n) => n === 0)) {
      onDone(sizes.map(() => new Uint8Array(0)));
      return;
    }
    this.payload = { sizes: [...sizes], done: [], current: undefined, filled: 0, onDone };
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      if (this.payload) {
        start = this.fill(chunk, start);
        continue;
      }
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      let line: Buffer;
      if (this.parts.length > 0) {
        this.parts.push(piece);
        line = Buffer.concat(this.parts);
        this.parts = [];
        this.partBytes = 0;
      } else line = piece;
      let s = line.toString('utf8');
      if (s.endsWith('\r')) s = s.slice(0, -1);
      start = nl + 1;
      this.onLine(s);
    }
    if (start < chunk.length && !this.payload) {
      const rest = chunk.subarray(start);
      this.parts.push(Buffer.from(rest));
      this.partBytes += rest.length;
      if (this.partBytes > this.maxLineBytes) {
        const n = this.partBytes;
        this.parts = [];
        this.partBytes = 0;
        this.onOverflow(n);
      }
    }
  }

  /** Copies payload bytes from chunk[start..]; returns where the unread bytes begin. */
  private fill(chunk: Buffer, start: number): number {
    const p = this.payload!;
    while (start < chunk.length || (p.sizes.length > 0 && p.sizes[0] === 0 && p.current === undefined)) {
      if (!p.current) {
        p.current = new Uint8Array(p.sizes[0]);
        p.filled = 0;
      }
      const take = Math.min(p.current.length - p.filled, chunk.length - start);
      p.current.set(chunk.subarray(start, start + take), p.filled);
      p.filled += take;
      start += take;
      if (p.filled === p.current.length) {
        p.done.push(p.current);
        p.current = undefined;
        p.sizes.shift();
        if (p.sizes.length === 0) {
          this.payload = undefined;
          p.onDone(p.done);
          return start;
        }
      }
    }
    return start;
  }

  /** The unterminated bytes seen since the last newline ('' when none), or where a payload stopped. */
  pending(): string {
    const p = this.payload;
    if (p) {
      const announced = p.done.reduce((a, b) => a + b.length, 0) + p.sizes.reduce((a, b) => a + b, 0);
      const got = p.done.reduce((a, b) => a + b.length, 0) + p.filled;
      return `[${got} of ${announced} announced payload bytes]`;
    }
    return this.parts.length === 0 ? '' : Buffer.concat(this.parts).toString('utf8');
  }
}
