import { it } from 'vitest';
import { verifyHunted, writePart } from './run.js';

it('fast path = exact path on hunted bfloat16 inputs (npm run verify:oracle)', () => {
  writePart(verifyHunted('bfloat16'));
});
