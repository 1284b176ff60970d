/**
 * common/operator.ts holds the operator's names for the generic machinery; they must be
 * the spec's: the argument names and order of spec/case.schema.json's inputs and the
 * exec protocol, and the result columns spec/report.schema.json requires.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARG_NAMES, caseColumns, REPORT_COLUMNS } from '../../common/operator.js';
import { ARG_ORDER } from '../../runners/exec/wire.js';

const spec = (f: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'spec', f), 'utf8'));

describe('the operator module', () => {
  it('argument names are the case schema inputs, in the exec protocol order', () => {
    expect(Object.keys(spec('case.schema.json').$defs.inputs.properties)).toEqual([...ARG_NAMES]);
    expect(ARG_ORDER).toEqual(ARG_NAMES);
    expect(readFileSync(join(__dirname, '..', '..', 'spec', 'exec-protocol.md'), 'utf8')).toMatch(/logits.*labels.*beta.*reduction/s);
  });

  it('report columns are the ones report.json results carry after the generic fields', () => {
    expect(spec('report.schema.json').$defs.result.required.slice(-REPORT_COLUMNS.length)).toEqual([...REPORT_COLUMNS]);
  });

  it('a case maps to its area, dtype and reduction from its JSON inputs', () => {
    const t = (dtype: string) => ({ type: 'tensor' as const, tensor: { dtype, shape: [1], bits: ['0000'] } });
    expect(caseColumns({ id: 'beta/x', inputs: { logits: t('float16'), labels: t('float16') } as never })).toEqual({ area: 'beta', dtype: 'float16', reduction: 'default' });
    expect(caseColumns({ id: 'mix', inputs: { logits: t('float16'), labels: t('float32'), reduction: { type: 'str', value: 'sum' } } as never })).toEqual({ area: 'other', dtype: 'float16+float32', reduction: 'sum' });
    expect(caseColumns({ id: 'e/y', inputs: { logits: { type: 'none' }, labels: { type: 'int', value: '1' }, reduction: { type: 'str', value: 'Mean' } } as never })).toEqual({ area: 'e', dtype: 'n/a', reduction: 'invalid' });
  });
});
