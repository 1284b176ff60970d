/**
 * Problems found in case files. Every problem names the file, a JSON pointer into it and
 * what was expected there, so a contributor can fix a case without reading the loader.
 */
export interface CaseProblem {
  /** The case file (absolute path, or a label for in-memory input). */
  file: string;
  /** JSON pointer (RFC 6901) to the offending value; '' is the whole document. */
  pointer: string;
  /** What is wrong and what was expected. */
  message: string;
}

export function formatProblem(p: CaseProblem): string {
  return `${p.file}: ${p.pointer === '' ? '(document)' : p.pointer}: ${p.message}`;
}

/** Thrown when one or more case files are invalid; `problems` lists all of them. */
export class CaseError extends Error {
  override name = 'CaseError';
  readonly problems: CaseProblem[];
  constructor(problems: CaseProblem[]) {
    super(problems.length === 1 ? formatProblem(problems[0]) : `${problems.length} problems in case files:\n` + problems.map((p) => '  ' + formatProblem(p)).join('\n'));
    this.problems = problems;
  }
}

/** Appends a property name or index to a JSON pointer, escaping '~' and '/'. */
export function pointerJoin(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
