import { defineConfig } from 'vitest/config';

/** `npm run verify:oracle`: the full equality proof of the oracle's fast path (test/oracle/verify/). */
export default defineConfig({
  test: {
    include: ['test/oracle/verify/*.verify.ts'],
    globalSetup: ['test/oracle/verify/verify-setup.ts'],
    testTimeout: 6 * 3600_000,
    pool: 'forks',
  },
});
