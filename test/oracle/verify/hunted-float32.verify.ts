import { it } from 'vitest';
import { verifyHunted, writePart } from './run.js';

it('fast path = exact path on hunted float32 inputs (npm run verify:oracle)', () => {
  writePart(verifyHunted('float32'));
});
