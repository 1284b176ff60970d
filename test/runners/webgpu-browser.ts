/**
 * One headless Chromium with a WebGPU device for a test file of the webgpu runner, or the
 * reason there is none. Without Chromium, or when the browser gives no WebGPU adapter, the
 * file says so loudly and its tests skip; with SMOOTHL1_REQUIRE_CHROMIUM=1 (CI) they run and
 * fail instead.
 */
import { afterAll } from 'vitest';
import { chromiumCandidates, createRunner, findChromium } from '../../runners/webgpu/index.js';
import type { WebGpuRunner, WebGpuRunnerOptions } from '../../runners/webgpu/index.js';

export const chromiumRequired = process.env.SMOOTHL1_REQUIRE_CHROMIUM === '1';

export interface OpenedRunner {
  runner: WebGpuRunner;
  /** Why there is no device (undefined when the runner is ready). */
  unavailable: string | undefined;
  /** True when the tests must skip (no device, and CI did not require one). */
  skip: boolean;
}

/** Opens the runner (closed after the file's tests) and prints the skip banner if needed. */
export async function openRunner(what: string, options: WebGpuRunnerOptions = {}): Promise<OpenedRunner> {
  const runner = createRunner(options);
  let unavailable: string | undefined;
  if (findChromium() === undefined) {
    unavailable = `no Chromium found (${chromiumCandidates().join(', ')})`;
  } else {
    try {
      await runner.init();
    } catch (e) {
      unavailable = `${(e as Error).name}: ${(e as Error).message}`;
      await runner.close();
    }
  }
  afterAll(() => runner.close());
  const skip = unavailable !== undefined && !chromiumRequired;
  if (skip) {
    console.warn(
      '\n' + '*'.repeat(100) + '\n' +
        `*** SKIPPED: ${what}: ${unavailable}\n` +
        "*** Install Debian's chromium (`apt-get install -y chromium`, which ships SwiftShader), or set\n" +
        '*** SMOOTHL1_REQUIRE_CHROMIUM=1 to make this a failure.\n' +
        '*'.repeat(100) + '\n',
    );
  }
  return { runner, unavailable, skip };
}
