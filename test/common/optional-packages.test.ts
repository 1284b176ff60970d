/**
 * common/optional-packages.ts: how a missing optional peer dependency is told apart from
 * an installed one, and the one-line message that names the install command. The real
 * thing (a scratch install without onnxruntime-node and playwright-core) is checked by
 * `npm run test:package`.
 */
import { describe, expect, it } from 'vitest';
import { importOptional, installCommand, isPackageInstalled, MissingPackageError, requireOptionalPackage } from '../../common/optional-packages.js';

const MISSING = 'smoothl1-conformance-no-such-package';

describe('optional packages', () => {
  it('sees the installed development copies and not a package that does not exist', () => {
    expect(isPackageInstalled('onnxruntime-node')).toBe(true);
    expect(isPackageInstalled('playwright-core')).toBe(true);
    expect(isPackageInstalled(MISSING)).toBe(false);
  });

  it('names the package, what needs it and the install command in one line', () => {
    expect(() => requireOptionalPackage('onnxruntime-node', "runner 'onnxruntime'")).not.toThrow();
    let err: unknown;
    try {
      requireOptionalPackage(MISSING, "runner 'x'");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingPackageError);
    const e = err as MissingPackageError;
    expect(e.message).toBe(`runner 'x' needs ${MISSING}, an optional peer dependency that is not installed; install it with: npm install ${MISSING}`);
    expect(e.message).not.toContain('\n');
    expect([e.packageName, e.neededBy]).toEqual([MISSING, "runner 'x'"]);
  });

  it("installs onnxruntime-node without its CUDA download (the runner uses the CPU provider it ships)", () => {
    expect(new MissingPackageError('onnxruntime-node', 'this runner').message).toBe(
      'this runner needs onnxruntime-node, an optional peer dependency that is not installed; install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node',
    );
    expect(installCommand('playwright-core')).toBe('npm install playwright-core');
  });

  it('turns a failed import of a missing package into MissingPackageError', async () => {
    const name = MISSING; // a variable, so no bundler resolves it ahead of time
    await expect(importOptional(MISSING, "runner 'x'", () => import(name))).rejects.toBeInstanceOf(MissingPackageError);
  });

  it('passes through an installed package, and any other failure of an installed one unchanged', async () => {
    const ort = await importOptional('onnxruntime-node', "runner 'onnxruntime'", () => import('onnxruntime-node'));
    expect(typeof ort.InferenceSession.create).toBe('function');
    const boom = new Error('native library failed to load');
    await expect(importOptional('onnxruntime-node', "runner 'onnxruntime'", () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
