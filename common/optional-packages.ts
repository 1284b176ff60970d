/**
 * Optional peer dependencies: heavy packages that only one runner needs (onnxruntime-node
 * for `onnxruntime`, playwright-core for `webgpu`). The package installs without them, so
 * whoever checks only their own implementation downloads neither; a runner that needs one
 * says so in one line, naming the install command, instead of a module-resolution stack.
 *
 * The one place that knows how to tell "not installed" from "installed but broken":
 * runners/registry.ts asks before creating a runner, and each runner loads its package
 * through importOptional() so the library API gives the same message.
 */
import { createRequire } from 'node:module';

/**
 * How to install each optional package for what the runners need. onnxruntime-node's own
 * install script downloads a CUDA provider from outside the npm registry (npm 11 still
 * runs dependency install scripts unless they are denied); the runner uses only the CPU
 * provider, which ships inside the package, so the download is switched off.
 */
const INSTALL_COMMANDS: Record<string, string> = {
  'onnxruntime-node': 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node',
};

/** The shell command that installs an optional package the way the runners need it. */
export function installCommand(packageName: string): string {
  return INSTALL_COMMANDS[packageName] ?? `npm install ${packageName}`;
}

/** An optional package is not installed (a set-up problem of the user's machine, not a failure of the implementation). */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
  constructor(
    readonly packageName: string,
    readonly neededBy: string,
  ) {
    super(`${neededBy} needs ${packageName}, an optional peer dependency that is not installed; install it with: ${installCommand(packageName)}`);
  }
}

const require = createRequire(import.meta.url);

/** True when `packageName` resolves from this package's location (as an import of it would). */
export function isPackageInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(`'${packageName}'`)) return false;
    // Present but not resolvable for another reason (a broken install): let the import say what is wrong.
    return true;
  }
}

/** Throws MissingPackageError when `packageName` is not installed. `neededBy` names what needs it ("runner 'onnxruntime'", or "this runner" where the caller has named it). */
export function requireOptionalPackage(packageName: string, neededBy: string): void {
  if (!isPackageInstalled(packageName)) throw new MissingPackageError(packageName, neededBy);
}

/**
 * Runs `load` (a literal `import('<package>')`, so the type checker sees the package's
 * types) and, when it fails because the package is not installed, throws
 * MissingPackageError instead. Any other failure (a missing dependency of the package, a
 * native library that does not load) is rethrown unchanged: installing the package again
 * would not fix it.
 */
export async function importOptional<T>(packageName: string, neededBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (!isPackageInstalled(packageName)) throw new MissingPackageError(packageName, neededBy);
    throw e;
  }
}
