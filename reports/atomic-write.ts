/**
 * Atomic report writing. Every file is rendered in memory first (the caller passes the
 * finished contents), then each is written to a temporary file in the target folder and
 * renamed over the final name. A rename within one folder is atomic on POSIX file
 * systems, so a reader (or a crashed run) sees the previous file or the new one, never
 * half a file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface RenderedFile {
  /** File name inside the target folder (no path separators). */
  name: string;
  content: string;
}

/** Write one file atomically: temp file in the same folder, then rename. */
export function writeFileAtomic(path: string, dir: string, name: string, content: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write all rendered files into `dir` (created if missing), each atomically. Returns the paths written. */
export function writeReportFiles(dir: string, files: readonly RenderedFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    if (/[/\\]/.test(f.name) || f.name === '' || f.name.startsWith('.')) throw new Error(`report file name must be a plain name, got '${f.name}'`);
    const path = join(dir, f.name);
    writeFileAtomic(path, dir, f.name, f.content);
    written.push(path);
  }
  return written;
}
