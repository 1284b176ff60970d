/** Case corpus machinery: loading and validation, materialising inputs, selection. */
export { CaseError, formatProblem, type CaseProblem } from './errors.js';
export { caseProblems, registeredTags, MAX_CASE_ELEMENTS } from './validate.js';
export { checkCaseFile, checkCorpus, defaultCasesDir, listCaseFiles, loadCaseFile, loadCorpus, caseIdOf, type FileCheck } from './load.js';
export { materialize, materializeTensor, materializeValue, clearGeneratedCache } from './materialize.js';
export { compileFilter, filterCases, type Filterable } from './filter.js';
export { parseFloatString, parseIntString, formatFloatString, shortestDecimal } from './values.js';
