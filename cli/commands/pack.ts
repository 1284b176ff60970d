/**
 * `smoothl1 pack --out <dir>`: freeze the corpus into a conformance pack (spec/pack.md)
 * that any language can check an implementation with, and report its size.
 * Exit codes (cli/exit-codes.ts): 0 written, 1 an invalid corpus or a corpus defect
 * (nothing written), 2 a usage error.
 */
import { profileNames, readSpecJson, tolerancesSpec } from '../../common/spec-data.js';
import type { ProfileName, ToleranceLevel } from '../../common/types.js';
import { defaultCasesDir } from '../../harness/cases/index.js';
import { CorpusDefectError } from '../../harness/check.js';
import { buildPack, type PackFile } from '../../pack/build.js';
import { checkPackTarget, PackTargetError, writePack } from '../../pack/write.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { loadCorpusOption } from '../options.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 pack --out <dir> [options]

Writes a conformance pack: every case's arguments (generated tensors materialised) and,
per profile and tolerance level, the accepted outcomes with per-element intervals, as
JSON and little-endian binary files (format: spec/pack.md, which is also the pack's
README.md). Same corpus and options, same bytes.

options:
  --out <dir>          folder to write (replaced if it holds a pack; must otherwise be absent or empty)
  --cases <dir>        corpus folder (default: the package's cases/)
  --profiles <list>    comma-separated subset of ${profileNames().join(',')} (default all)
  --tolerances <list>  comma-separated subset of ${Object.keys(tolerancesSpec().levels).join(',')} (default all)
  --quiet              print nothing but errors

${exitCodesHelp('written', 'an invalid corpus or a corpus defect (nothing written)')}`;
}

function parseList<T extends string>(option: string, text: string | undefined, known: readonly T[]): T[] {
  if (text === undefined) return [...known];
  const items = text.split(',').map((s) => s.trim());
  for (const s of items) if (!(known as readonly string[]).includes(s)) throw new UsageError(`--${option}: unknown value '${s}' (expected a comma-separated subset of ${known.join(',')})`);
  // keep the spec's order, whatever order was typed
  return known.filter((k) => items.includes(k));
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(2)} MiB`;

/** Size report: totals by kind of file and the largest cases. */
export function sizeSummary(files: readonly PackFile[]): string[] {
  const kinds = { 'case files': 0, 'tensor arguments': 0, 'expected values': 0, intervals: 0, other: 0 };
  const perCase = new Map<string, number>();
  for (const f of files) {
    const n = f.data.byteLength;
    const m = /^cases\/(.+?)(?:\.json|\/([^/]+)\.bin)$/.exec(f.path);
    if (!m) kinds.other += n;
    else {
      const id = m[1];
      perCase.set(id, (perCase.get(id) ?? 0) + n);
      if (m[2] === undefined) kinds['case files'] += n;
      else if (/\.expected$/.test(m[2])) kinds['expected values'] += n;
      else if (/\.(lo|hi)$/.test(m[2])) kinds.intervals += n;
      else kinds['tensor arguments'] += n;
    }
  }
  const largest = [...perCase.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  return [
    `  ${Object.entries(kinds).map(([k, n]) => `${k} ${mib(n)}`).join(', ')}`,
    `  largest cases: ${largest.map(([id, n]) => `${id} ${mib(n)}`).join(', ')}`,
  ];
}

export async function main(argv: string[]): Promise<number> {
  const { options: o, positionals } = parseOptions(argv, {
    out: { type: 'string' },
    cases: { type: 'string' },
    profiles: { type: 'string' },
    tolerances: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`pack takes no positional arguments, got '${positionals[0]}' (did you mean --out '${positionals[0]}'?)`);
  const out = o.out as string | undefined;
  if (out === undefined || out === '') throw new UsageError(`pack needs --out <dir>\n\n${usage()}`);
  const profiles = parseList<ProfileName>('profiles', o.profiles as string | undefined, profileNames());
  const levels = parseList<ToleranceLevel>('tolerances', o.tolerances as string | undefined, Object.keys(tolerancesSpec().levels) as ToleranceLevel[]);
  try {
    checkPackTarget(out);
  } catch (e) {
    if (e instanceof PackTargetError) throw new UsageError(`--out: ${e.message}`);
    throw e;
  }
  const corpus = loadCorpusOption((o.cases as string | undefined) ?? defaultCasesDir(), { consequence: 'no pack written', quiet: o.quiet === true });
  if (corpus === null) return EXIT.failed;
  let built;
  try {
    built = buildPack({ cases: corpus, profiles, levels, suiteVersion: readSpecJson<{ version: string }>('package.json').version });
  } catch (e) {
    if (e instanceof CorpusDefectError) {
      process.stderr.write(`smoothl1: corpus defect, no pack written:\n${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
  writePack(out, built.files);
  const m = built.manifest;
  if (!o.quiet) {
    const total = built.files.reduce((n, f) => n + f.data.byteLength, 0);
    process.stdout.write(
      [
        `wrote pack ${out}: ${m.cases.length} cases, profiles ${m.profiles.join(',')}, levels ${m.levels.join(',')}; ${built.files.length} files, ${mib(total)} (${total} bytes)`,
        ...sizeSummary(built.files),
        `  corpus ${m.corpusHash}, content ${m.contentSha256}`,
      ].join('\n') + '\n',
    );
  }
  return EXIT.ok;
}
