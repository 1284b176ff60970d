/**
 * `smoothl1 expectations update --from <report.json> [--expectations <file>]`: bring an
 * expectations file in line with a run (harness/expectations-update.ts): new unexpected
 * failures get entries with a placeholder reason to edit, entries that now pass are
 * removed or narrowed, existing reasons are kept. The file is written whole (temporary
 * file and rename) and only after the result has been validated against
 * spec/expectations.schema.json.
 * Exit codes (cli/exit-codes.ts): 0 written (or printed with --dry-run), 1 an invalid
 * corpus, 2 usage error (missing or invalid report or expectations file, a report made on
 * another corpus).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import { defaultCasesDir } from '../../harness/cases/index.js';
import { ExpectationsError, loadExpectations, parseExpectations, type ExpectationEntry } from '../../harness/expectations.js';
import { PLACEHOLDER_PREFIX, updateExpectations, type UpdateChanges } from '../../harness/expectations-update.js';
import { corpusHash } from '../../harness/run.js';
import { parseReport, ReportFormatError } from '../../reports/json.js';
import { writeFileAtomic } from '../../reports/atomic-write.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { loadCorpusOption } from '../options.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 expectations update --from <report.json> [--expectations <file>] [options]

Update an expectations file (spec/expectations.schema.json) from a run's report.json:
  - a failure no entry expects gets a new entry for the report's profile and the observed
    status, with a reason starting "${PLACEHOLDER_PREFIX}" for you to replace; cases are grouped
    under a glob only where the glob matches exactly those cases in the corpus;
  - an entry matching a case that now passes is narrowed to the cases it still covers
    (its reason and statuses kept; when it lists other profiles besides the report's, it
    stays as it was for those) or removed when nothing is left; an entry matching no case
    of the corpus is removed;
  - everything else is kept as it is, in its order.
Running the same implementation on the same cases with the updated file then gives no
unexpected outcome.

options:
  --from <report.json>    the report (a merged report of all shards works too)
  --expectations <file>   the file to update or create (default: the file the report was
                          made with)
  --cases <dir>           the corpus the report was made on (default: the package's cases/)
  --dry-run               print the updated file instead of writing it

${exitCodesHelp('written (or printed with --dry-run)', 'an invalid corpus (nothing written)')}`;
}

function readJsonFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function describeChanges(c: UpdateChanges): string[] {
  const lines: string[] = [];
  const statuses = (e: ExpectationEntry) => (e.statuses ? ` [${e.statuses.join(', ')}]` : '');
  for (const a of c.added) lines.push(`  added     ${a.entry.id}${statuses(a.entry)} (${a.ids.length} case${a.ids.length === 1 ? '' : 's'})`);
  for (const n of c.narrowed) lines.push(`  narrowed  ${n.entry.id} (passes now: ${n.passing.join(', ')}) -> ${n.replacement.map((e) => `${e.id}${e.profiles ? ` {${e.profiles.join(',')}}` : ''}`).join(', ')}`);
  for (const r of c.removed) lines.push(`  removed   ${r.entry.id} (${r.why === 'passes' ? 'every case it matches passes now' : 'matches no case of the corpus'})`);
  return lines;
}

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(usage() + '\n');
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'update') throw new UsageError(`unknown expectations subcommand '${sub}'; expected 'update'`);
  const { options: o, positionals } = parseOptions(rest, {
    from: { type: 'string' },
    expectations: { type: 'string' },
    cases: { type: 'string' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`expectations update takes no positional arguments, got '${positionals[0]}' (did you mean --from ${positionals[0]}?)`);
  if (typeof o.from !== 'string') throw new UsageError('expectations update: --from <report.json> is required');
  const reportFile = o.from;
  let report;
  try {
    report = parseReport(reportFile, readJsonFile(reportFile, 'report'));
  } catch (e) {
    if (e instanceof ReportFormatError) throw new UsageError(e.message);
    throw e;
  }
  const file = (o.expectations as string | undefined) ?? report.expectations?.file;
  if (file === undefined) throw new UsageError(`expectations update: ${reportFile} was made without an expectations file; name the file to create with --expectations <file>`);

  // The current file: its entries and its top-level $schema / $comment, kept as they are.
  let entries: ExpectationEntry[] = [];
  const top: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      entries = loadExpectations(file).entries;
    } catch (e) {
      if (e instanceof ExpectationsError) throw new UsageError(e.message);
      throw e;
    }
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const k of ['$schema', '$comment']) if (json[k] !== undefined) top[k] = json[k];
  } else {
    top.$schema = relative(dirname(resolve(file)), join(packageRoot(), 'spec', 'expectations.schema.json')).split('\\').join('/');
  }

  const casesDir = resolve((o.cases as string | undefined) ?? defaultCasesDir());
  const corpus = loadCorpusOption(casesDir, { consequence: `${file} was not changed` });
  if (corpus === null) return EXIT.failed;
  const hash = corpusHash(corpus);
  if (hash !== report.corpusHash) {
    throw new UsageError(`${reportFile} was made on another corpus (hash ${report.corpusHash.slice(0, 12)}..., ${report.corpusSize} cases) than ${casesDir} (hash ${hash.slice(0, 12)}..., ${corpus.length} cases); pass that corpus with --cases <dir>`);
  }

  const { entries: updated, changes } = updateExpectations({ entries, profile: report.profile, results: report.results, corpusIds: corpus.map((c) => c.id) });
  const text = JSON.stringify({ ...top, expectations: updated }, null, 2) + '\n';
  parseExpectations(file, text); // the promise that the result is a valid file (throws, as an internal error, if not)

  if (o['dry-run']) {
    process.stdout.write(text);
    return EXIT.ok;
  }
  const dir = dirname(resolve(file));
  writeFileAtomic(resolve(file), dir, basename(file), text);
  const todo = updated.filter((e) => e.reason.startsWith(PLACEHOLDER_PREFIX)).length;
  const lines = [
    `${file}: ${changes.added.length} added, ${changes.narrowed.length} narrowed, ${changes.removed.length} removed, ${changes.kept} kept (profile ${report.profile}, from ${reportFile})`,
    ...describeChanges(changes),
  ];
  if (todo > 0) lines.push(`${todo} entr${todo === 1 ? 'y has' : 'ies have'} a reason starting "${PLACEHOLDER_PREFIX}": replace it with the cause (a bug number, a documented deviation).`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}
