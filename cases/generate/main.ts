#!/usr/bin/env node
/**
 * `npm run cases`: regenerates the committed corpus (cases/<area>/<name>.json) from the
 * templates in cases/generate/templates, with expected outcomes from the oracle.
 * Options: --out <dir> (default: the package's cases/ folder).
 */
import { join } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import { buildCorpus, writeCorpus } from './corpus.js';

function main(argv: string[]): number {
  let out = join(packageRoot(), 'cases');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) out = argv[++i];
    else {
      process.stderr.write(`usage: node dist/cases/generate/main.js [--out <dir>]\nunknown argument '${argv[i]}'\n`);
      return 2;
    }
  }
  const t0 = Date.now();
  const files = buildCorpus();
  const res = writeCorpus(out, files);
  process.stdout.write(`${files.length} cases in ${out}: ${res.written} written, ${res.unchanged} unchanged, ${res.removed.length} stale removed${res.removed.length ? ' (' + res.removed.join(', ') + ')' : ''} [${Date.now() - t0} ms]\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
