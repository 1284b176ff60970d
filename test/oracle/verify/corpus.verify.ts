import { expect, it } from 'vitest';
import { loadCorpus, materialize } from '../../../harness/cases/index.js';
import { compareCall, emptyStats } from '../equality.js';
import { corpusCalls } from '../corpus-calls.js';
import { SEED, writePart } from './run.js';

it('fast path = exact path on the whole corpus, every output dtype (npm run verify:oracle)', () => {
  const t0 = performance.now();
  const stats = emptyStats();
  let k = 0;
  for (const { id, args, dtype } of corpusCalls(loadCorpus(), materialize)) {
    const diff = compareCall(args, dtype, stats, { givenIntervals: true, fusedSeed: ++k });
    expect(diff, `${id} (${dtype})`).toBeUndefined();
  }
  writePart({ part: 'corpus', seed: SEED, durationS: Math.round((performance.now() - t0) / 100) / 10, stats });
});
