/**
 * Expectations files: the known failures of one implementation (schema:
 * spec/expectations.schema.json). Applying them turns a listed failure into
 * 'expected-failure' and a listed case that passes into 'unexpected-pass', so a run can
 * be green for a known-imperfect implementation while stale entries still get noticed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { ProfileName } from '../common/types.js';
import { formatSchemaProblem, schemaProblems } from '../common/schemas.js';
import type { CheckStatus } from './results.js';
import { compileGlob, globToRegExp, type GlobMatcher } from './glob.js';
import { parseStrictJson } from './cases/strict-json.js';

export interface ExpectationEntry {
  id: string;
  reason: string;
  profiles?: ProfileName[];
  statuses?: Exclude<CheckStatus, 'pass'>[];
}

export interface Expectations {
  /** The path as given (shown in reports). */
  file: string;
  sha256: string;
  entries: ExpectationEntry[];
}

/** The expectations file is missing or invalid (a usage error: exit code 2). */
export class ExpectationsError extends Error {
  override name = 'ExpectationsError';
}

export { compileGlob, globToRegExp };

/** Parse and validate an expectations file; throws ExpectationsError naming the file and field. */
export function parseExpectations(file: string, text: string | Uint8Array): Expectations {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // Strict: valid UTF-8, no duplicate keys, bounded nesting (checked before the schema validator recurses).
  const parsed = parseStrictJson(bytes);
  if (!parsed.ok) throw new ExpectationsError(`${file}: ${parsed.pointer ? parsed.pointer + ': ' : ''}${parsed.message}`);
  const json = parsed.value;
  const problems = schemaProblems('spec/expectations.schema.json', json);
  if (problems.length > 0) {
    throw new ExpectationsError(`invalid expectations file (schema spec/expectations.schema.json):\n  ${problems.map((p) => `${file}: ${formatSchemaProblem(p)}`).join('\n  ')}`);
  }
  const entries = (json as { expectations: ExpectationEntry[] }).expectations;
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), entries };
}

export function loadExpectations(file: string): Expectations {
  let text: Buffer;
  try {
    // Only a regular file is read: a FIFO or a device would block or never end.
    if (!statSync(file).isFile()) throw new ExpectationsError(`expectations file ${file} is not a regular file`);
    text = readFileSync(file);
  } catch (e) {
    throw new ExpectationsError(`cannot read expectations file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseExpectations(file, text);
}

export interface ExpectationVerdict {
  status: 'expected-failure' | 'unexpected-pass';
  entry: ExpectationEntry;
}

/** Applies expectations to check statuses; remembers which entries matched something. */
export class ExpectationMatcher {
  private readonly compiled: { entry: ExpectationEntry; matches: GlobMatcher; used: boolean }[];

  constructor(readonly expectations: Expectations) {
    this.compiled = expectations.entries.map((entry) => ({ entry, matches: compileGlob(entry.id), used: false }));
  }

  /**
   * A failing status listed by an entry becomes expected-failure; a pass of a listed case
   * becomes unexpected-pass. Entries restricted to other profiles or other statuses do not
   * apply; the first applicable entry wins.
   */
  apply(id: string, profile: ProfileName, status: CheckStatus): ExpectationVerdict | undefined {
    for (const c of this.compiled) {
      if (!c.matches(id)) continue;
      if (c.entry.profiles && !c.entry.profiles.includes(profile)) continue;
      if (status !== 'pass' && c.entry.statuses && !c.entry.statuses.includes(status)) continue;
      c.used = true;
      return { status: status === 'pass' ? 'unexpected-pass' : 'expected-failure', entry: c.entry };
    }
    return undefined;
  }

  /** Entry ids that matched no checked case (stale or misspelt). */
  unused(): string[] {
    return this.compiled.filter((c) => !c.used).map((c) => c.entry.id);
  }
}
