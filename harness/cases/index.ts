/** Case corpus machinery: loading and validation, materialising inputs, selection. */
export { CaseError, formatProblem, pointerJoin, type CaseProblem } from './errors.js';
export { caseProblems, registeredTags, MAX_CASE_ELEMENTS } from './validate.js';
export { checkCaseFile, checkCorpus, inspectCorpus, defaultCasesDir, listCaseFiles, loadCaseFile, loadCorpus, caseIdOf, caseIdProblem, type FileCheck, type CorpusInspection } from './load.js';
export { walkCorpus, CODE_DIRS, MAX_CASE_FILE_BYTES, type CorpusListing, type IgnoredEntry } from './walk.js';
export { parseStrictJson, invalidUtf8Offset, MAX_JSON_DEPTH, type StrictJson } from './strict-json.js';
export { materialize, materializeTensor, materializeValue, clearGeneratedCache } from './materialize.js';
export { compileFilter, filterCases, type Filterable } from './filter.js';
export { selectCases, SelectionError } from './select.js';
