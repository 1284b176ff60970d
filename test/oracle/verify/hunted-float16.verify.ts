import { it } from 'vitest';
import { verifyHunted, writePart } from './run.js';

it('fast path = exact path on hunted float16 inputs (npm run verify:oracle)', () => {
  writePart(verifyHunted('float16'));
});
