/**
 * `smoothl1 export-onnx`: write the ONNX model the onnxruntime runner executes for one
 * (dtype, reduction, beta), so the graph can be inspected (Netron, onnx.checker) or run in
 * another ONNX runtime. The bytes are exactly those the runner hands to onnxruntime-node.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { dtypesSpec, isFloatDType, profilesSpec } from '../../common/spec-data.js';
import type { FloatDType, Reduction } from '../../common/types.js';
import { buildSmoothL1Model, INPUT_NAMES, ioTensorType, IR_VERSION, OPSET_VERSION, OUTPUT_NAME } from '../../runners/onnxruntime/graph.js';
import { EXIT } from '../exit-codes.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  const p = profilesSpec();
  return `usage: smoothl1 export-onnx -o <file.onnx> [--dtype <d>] [--reduction <r>] [--beta <b>]

Write the ONNX model (IR ${IR_VERSION}, ai.onnx opset ${OPSET_VERSION}) that the onnxruntime runner uses.

options:
  -o, --output <file>    where to write the model (required; '-' writes to stdout)
  --dtype <d>            ${Object.keys(dtypesSpec().float).join('|')} (default float32)
  --reduction <r>        ${p.reductions.join('|')} (default ${p.defaults.reduction})
  --beta <b>             a decimal number >= 0, used as its float32 value (default ${p.defaults.beta})
  --force                overwrite an existing file

The model has inputs '${INPUT_NAMES[0]}' and '${INPUT_NAMES[1]}' of any shape (equal shapes) and one
output '${OUTPUT_NAME}' ('none': the input's shape; otherwise a 0-d tensor). A bfloat16 model takes
and returns float32 tensors holding bfloat16 values (ONNX Runtime has no bfloat16 tensors in
its JavaScript API): it rounds its inputs and its result to bfloat16 with Cast.
See docs/onnxruntime.md.`;
}

export interface ExportArgs {
  output: string;
  dtype: FloatDType;
  reduction: Reduction;
  beta: number;
  force: boolean;
}

/** beta as a Python float literal, then its float32 value (as the operator stores it). */
export function parseBeta(text: string): number {
  const t = text.trim();
  if (!/^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(t)) {
    throw new UsageError(`--beta: expected a decimal number such as 1.0 or 0.5 or 2e-3, got '${text}'`);
  }
  const value = Number(t);
  const beta = Math.fround(value);
  if (beta < 0) throw new UsageError(`--beta: must be >= 0 (beta = 0 is plain L1, allowed on the ascend profile), got ${text}`);
  if (beta === Infinity) throw new UsageError(`--beta: ${text} overflows float32 (beta is stored as a float32)`);
  return beta;
}

/** Parse and check the arguments; throws UsageError. Returns null for --help. */
export function parseExportArgs(argv: string[]): ExportArgs | null {
  const { options: o, positionals } = parseOptions(argv, {
    output: { type: 'string', short: 'o' },
    dtype: { type: 'string' },
    reduction: { type: 'string' },
    beta: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) return null;
  if (positionals.length > 0) throw new UsageError(`export-onnx: unexpected argument '${positionals[0]}' (use -o <file> for the output file)`);
  const output = o.output as string | undefined;
  if (output === undefined || output === '') throw new UsageError('export-onnx: -o <file.onnx> is required');
  const dtype = (o.dtype as string | undefined) ?? 'float32';
  if (!isFloatDType(dtype)) throw new UsageError(`--dtype: expected one of ${Object.keys(dtypesSpec().float).join(', ')}, got '${dtype}'`);
  const p = profilesSpec();
  const reduction = (o.reduction as string | undefined) ?? p.defaults.reduction;
  if (!(p.reductions as string[]).includes(reduction)) throw new UsageError(`--reduction: expected one of ${p.reductions.join(', ')}, got '${reduction}'`);
  const beta = o.beta === undefined ? Math.fround(p.defaults.beta) : parseBeta(o.beta as string);
  return { output, dtype, reduction: reduction as Reduction, beta, force: o.force === true };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseExportArgs(argv);
  if (args === null) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const bytes = buildSmoothL1Model({ dtype: args.dtype, reduction: args.reduction, beta: args.beta });
  if (args.output === '-') {
    process.stdout.write(bytes);
    return EXIT.ok;
  }
  const file = resolve(args.output);
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`-o ${args.output}: folder ${dir} does not exist`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new UsageError(`-o ${args.output}: is a folder; give a file name`);
    if (!args.force) throw new UsageError(`-o ${args.output}: file exists (use --force to overwrite)`);
  }
  writeFileSync(file, bytes);
  const io = ioTensorType(args.dtype);
  const carried = io === args.dtype ? io : `${io} tensors holding ${args.dtype} values`;
  process.stderr.write(
    `wrote ${args.output} (${bytes.length} bytes): SmoothL1Loss dtype=${args.dtype} reduction=${args.reduction} beta=${args.beta} (float32 value); ` +
      `ONNX IR ${IR_VERSION}, opset ${OPSET_VERSION}; inputs ${INPUT_NAMES.join(', ')} and output ${OUTPUT_NAME}: ${carried}\n`,
  );
  return EXIT.ok;
}
