/**
 * Cuts a byte stream into '\n'-terminated lines. Chunks are kept as Buffers until a
 * newline arrives, so a multi-megabyte response costs one concat, not a quadratic
 * string build; a line longer than `maxLineBytes` is reported instead of growing
 * memory without bound.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (bytes: number) => void,
    private readonly maxLineBytes = 256 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
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
      this.onLine(s);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.parts.push(rest);
      this.partBytes += rest.length;
      if (this.partBytes > this.maxLineBytes) {
        const n = this.partBytes;
        this.parts = [];
        this.partBytes = 0;
        this.onOverflow(n);
      }
    }
  }

  /** The unterminated bytes seen since the last newline ('' when none). */
  pending(): string {
    return this.parts.length === 0 ? '' : Buffer.concat(this.parts).toString('utf8');
  }
}
