/**
 * Keeps the last `capacity` bytes written to it. stderr of an implementation is
 * always drained into one of these so a process that floods stderr can never block
 * on a full pipe, and memory stays bounded whatever it writes.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  constructor(readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Trim only when well over capacity, so a stream of small chunks costs amortised O(1).
    if (this.size > 2 * this.capacity) this.trim();
  }

  private trim(): void {
    const all = Buffer.concat(this.chunks);
    const keep = all.subarray(all.length - this.capacity);
    this.dropped += all.length - keep.length;
    this.chunks = [Buffer.from(keep)];
    this.size = keep.length;
  }

  /** The last `max` characters (at most capacity bytes), decoded as UTF-8, with a note when bytes were dropped. */
  text(max = this.capacity): string {
    if (this.size > this.capacity) this.trim();
    const all = Buffer.concat(this.chunks);
    const n = Math.min(max, all.length);
    const body = all.subarray(all.length - n).toString('utf8');
    const lost = this.dropped + all.length - n;
    return lost > 0 ? `[... ${lost} earlier bytes dropped ...]\n${body}` : body;
  }

  get totalBytes(): number {
    return this.dropped + this.size;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
  }
}
