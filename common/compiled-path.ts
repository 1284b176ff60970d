/**
 * Where the compiled JavaScript of a module lives. Code that starts a new thread or
 * process on one of our modules (the module runner's host, the run command's worker)
 * needs a file Node can execute: beside the caller when running from dist/, or the
 * dist/ twin of a TypeScript source when the caller itself runs from sources (vitest).
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './spec-data.js';

/** The compiled file `rel` (e.g. './host.js') next to the module whose import.meta.url is given. */
export function compiledSibling(metaUrl: string, rel: string): string {
  const here = fileURLToPath(metaUrl);
  const dir = here.endsWith('.ts') ? resolve(packageRoot(), 'dist', relative(packageRoot(), dirname(here))) : dirname(here);
  const file = resolve(dir, rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the package first (npm run build)`);
  return file;
}
