/**
 * Helpers for the CLI tests: run a subcommand's main() in-process with stdout/stderr
 * captured, mapping a UsageError to exit code 2 exactly as cli/main.ts does; and write
 * small implementation modules for the module runner.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../../cli/usage.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  usageError?: string;
}

export async function runCli(main: (argv: string[]) => Promise<number>, argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout, stderr, usageError: e.message };
    throw e;
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

/**
 * An implementation module keyed by case id. `answers` maps a case id to a JS expression
 * evaluated per call (it may use f32(values, shape) and raise(type, message)); unknown
 * ids get the documentation example's answers (run-fixtures.ts).
 */
export function writeImplModule(file: string, answers: Record<string, string> = {}): void {
  const table = Object.entries(answers)
    .map(([id, expr]) => `  ${JSON.stringify(id)}: () => ${expr},`)
    .join('\n');
  writeFileSync(
    file,
    `export const name = 'fixture-impl';
export const version = '9.9';
const f32 = (v, shape = [v.length]) => ({ dtype: 'float32', shape, data: Float32Array.from(v) });
const raise = (type, message) => { const e = new Error(message); e.name = type; throw e; };
const correct = {
  'doc/example': () => f32([0, 0, 0.5]),
  'beta/either': () => f32([0, 0, 1]),
  'reductions/sum': () => f32([0.5], []),
  'reductions/mean': () => f32([1 / 6], []),
  'errors/shape-mismatch': () => raise('ValueError', 'shapes differ'),
  'errors/any-type': () => raise('TypeError', 'dtypes differ'),
  'shapes/ascend-only': () => f32([0, 0, 0.5]),
  'large/generated': () => raise('RuntimeError', 'not implemented for big inputs'),
};
const special = {
${table}
};
export function smoothL1Loss(args, ctx) {
  const f = special[ctx.caseId] ?? correct[ctx.caseId];
  return f();
}
`,
  );
}
