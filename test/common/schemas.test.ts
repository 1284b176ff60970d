/**
 * common/schemas.ts: every spec schema compiles once under the one set of options, and a
 * problem is worded the same whichever spec format has it (case, expectations, report,
 * exec response): a JSON pointer and what was expected there.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSchemaProblem, schemaProblems, specValidator } from '../../common/schemas.js';
import { packageRoot } from '../../common/spec-data.js';
import { caseProblems } from '../../harness/cases/index.js';
import { ExpectationsError, parseExpectations } from '../../harness/expectations.js';
import { reportProblems } from '../../reports/json.js';
import { parseResponseLine } from '../../runners/exec/response-schema.js';

describe('spec schemas', () => {
  it('every spec/*.schema.json compiles under the shared options, once', () => {
    const files = readdirSync(join(packageRoot(), 'spec')).filter((f) => f.endsWith('.schema.json'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) {
      const v = specValidator(`spec/${f}`);
      expect(typeof v).toBe('function');
      expect(specValidator(`spec/${f}`)).toBe(v);
    }
  });

  it('one wording for the same kind of problem in every format', () => {
    const missing = "missing required property 'reason'";
    expect(schemaProblems('spec/expectations.schema.json', { expectations: [{ id: 'a' }] })).toEqual([{ pointer: '/expectations/0', message: missing }]);
    expect(() => parseExpectations('k.json', JSON.stringify({ expectations: [{ id: 'a' }] }))).toThrow(new RegExp(`k\\.json: /expectations/0: ${missing}`));
    expect(() => parseExpectations('k.json', '[]')).toThrow(ExpectationsError);
    expect(reportProblems({ format: 'smoothl1-report/1' })).toContain("(document): missing required property 'summary'");
    expect(caseProblems('c.json', { title: 't', tags: [], profiles: ['cpu'], inputs: {}, expected: { cpu: { error: 'any' } } })).toContainEqual({ file: 'c.json', pointer: '/inputs', message: "missing required property 'logits'" });
    const r = parseResponseLine(JSON.stringify({ seq: 1, id: 'x', error: { type: 'ValueError' } }));
    expect(r).toEqual({ ok: false, reason: "not a valid response: /error: missing required property 'message'" });
  });

  it('enum, const, type, pattern and unknown properties say what was expected and what came', () => {
    const p = (doc: unknown) => schemaProblems('spec/expectations.schema.json', doc).map(formatSchemaProblem);
    expect(p({ expectations: [{ id: 'a', reason: 'r', statuses: ['pass'] }] })[0]).toMatch(/^\/expectations\/0\/statuses\/0: expected one of "wrong-value", .*"timeout", got "pass"$/);
    expect(p({ expectations: [{ id: 'a', reason: 'r', extra: 1 }] })).toEqual(["/expectations/0: unexpected property 'extra'"]);
    expect(p({ expectations: 'x' })).toEqual(['/expectations: expected array, got string']);
    expect(p(null)).toEqual(['(document): expected object, got null']);
  });
});
