/**
 * The operator's own names, in one place. The harness (loading, selecting, running and
 * checking cases), the report writers, the exec wire format and the CLI are generic: they
 * know a case as inputs plus an outcome per profile, and ask this module for what is
 * particular to SmoothL1Loss: the names and order of its arguments, and the columns a
 * report groups results by (with how a case maps to them). The operator's arithmetic and
 * rules live in oracle/ and spec/; the call's types in common/types.ts (CallArgs).
 */
import { profilesSpec } from './spec-data.js';
import type { CaseInputsJson, ValueJson } from './types.js';

export const OPERATOR_NAME = 'SmoothL1Loss';

/** The call's arguments in call order: failure details list them so, exec protocol 2 payloads follow the line so. */
export const ARG_NAMES = ['logits', 'labels', 'beta', 'reduction'] as const;
export type ArgName = (typeof ARG_NAMES)[number];

/**
 * The columns every result carries and reports group by: the area (a case id's first
 * segment, the corpus folder), then two facts of the call: the dtype and the reduction.
 */
export const REPORT_COLUMNS = ['area', 'dtype', 'reduction'] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];
export type ReportColumns = { [K in ReportColumn]: string };

/**
 * report.html's matrix: a row per area and dtype, a column per reduction (in this order;
 * values not listed follow, sorted).
 */
export const MATRIX = { row: 'area', subRow: 'dtype', column: 'reduction', columnOrder: ['none', 'mean', 'sum', 'default', 'invalid'] } as const satisfies {
  row: ReportColumn;
  subRow: ReportColumn;
  column: ReportColumn;
  columnOrder: readonly string[];
};

/**
 * The group of report.html's ulp-error histograms a result falls in: its dtype and
 * reduction (cases of two different dtypes, a few each, pooled as 'mixed dtypes').
 */
export function histogramGroup(r: ReportColumns): string {
  return `${r.dtype.includes('+') ? 'mixed dtypes' : r.dtype} · ${r.reduction}`;
}

/**
 * A case's report columns, read from its JSON inputs (nothing materialised): area = the
 * first segment of its id ('other' without one); dtype = the logits tensor's dtype,
 * "a+b" for two different tensor dtypes, "n/a" without tensors; reduction = the reduction
 * string when it is one of the spec's names, "default" when absent, else "invalid".
 */
export function caseColumns(c: { id: string; inputs: CaseInputsJson }): ReportColumns {
  const slash = c.id.indexOf('/');
  const area = slash > 0 ? c.id.slice(0, slash) : 'other';
  const dt = (v: ValueJson | undefined): string | undefined => (v && v.type === 'tensor' ? v.tensor.dtype : undefined);
  const a = dt(c.inputs.logits);
  const b = dt(c.inputs.labels);
  const dtype = a && b && a !== b ? `${a}+${b}` : (a ?? b ?? 'n/a');
  const r = c.inputs.reduction;
  const reduction = r === undefined ? 'default' : r.type === 'str' && (profilesSpec().reductions as string[]).includes(r.value) ? r.value : 'invalid';
  return { area, dtype, reduction };
}
