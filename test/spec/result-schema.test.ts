/**
 * spec/result.schema.json names the single-result definition of report.schema.json: a real
 * result from a run validates against it, and a result with an unknown status does not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/spec-data.js';
import { createRunner } from '../../runners/registry.js';
import { runCases } from '../../harness/run.js';
import { loadCorpus } from '../../harness/cases/index.js';

const spec = (f: string) => JSON.parse(readFileSync(join(packageRoot(), 'spec', f), 'utf8'));

describe('spec/result.schema.json', () => {
  it('accepts results produced by a run and rejects a malformed one', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(spec('report.schema.json'));
    const validate = ajv.compile(spec('result.schema.json'));
    const cases = loadCorpus().filter((c) => c.id.startsWith('doc/') || c.id.startsWith('errors/'));
    expect(cases.length).toBeGreaterThan(1);
    const runner = await createRunner('cpu', {});
    const outcome = await runCases({ runner, cases, profile: 'cpu', tolerance: 'standard', timeoutMs: 30_000, rerunPrefix: 'npx smoothl1 run' });
    const results = outcome.results;
    expect(results.length).toBe(cases.length);
    for (const r of results) expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    const bad = { ...(results[0] as object), status: 'almost-pass' };
    expect(validate(bad)).toBe(false);
  });
});
