/**
 * The two templates third parties start from must pass the cpu profile at the standard
 * level end to end: the numpy one through the exec runner (a real /usr/bin/python3
 * process), the Node one through the module runner.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import { createRunner as execRunner } from '../../runners/exec/index.js';
import { createRunner as moduleRunner } from '../../runners/module/index.js';
import { describeUnexpected, pythonHas, runSuite } from './run-suite.js';

const root = packageRoot();
const hasNumpy = pythonHas('numpy');
if (!hasNumpy) {
  console.warn('\n!!!!!!!! SKIPPING the numpy template test: /usr/bin/python3 cannot import numpy (apt-get install -y python3-numpy) !!!!!!!!\n');
}

describe('templates pass the cpu profile (standard)', () => {
  it.skipIf(!hasNumpy)('adapters/python/template.py through the exec runner', async () => {
    const runner = execRunner({ command: `/usr/bin/python3 ${join(root, 'adapters/python/template.py')}` });
    const run = await runSuite(runner);
    expect(run.ran).toBeGreaterThan(50);
    expect(runner.name).toBe('numpy-template'); // its hello line was read
    expect(run.unexpected, describeUnexpected(run.unexpected)).toEqual([]);
  });

  it('adapters/node/template.mjs through the module runner', async () => {
    const runner = await moduleRunner({ modulePath: join(root, 'adapters/node/template.mjs') });
    const run = await runSuite(runner);
    expect(run.ran).toBeGreaterThan(50);
    expect(runner.name).toBe('node-template');
    expect(run.unexpected, describeUnexpected(run.unexpected)).toEqual([]);
  });
});
