#!/usr/bin/env node
/**
 * The `smoothl1` command. Subcommands live in cli/commands/<name>.ts and export
 * `main(argv): Promise<number>` (the exit code, one of cli/exit-codes.ts: 0 success, 1 a
 * check failed (unexpected outcomes, invalid cases, corpus defects), 2 usage or setup
 * error (bad arguments, unknown runner, missing file, an implementation that cannot
 * start), 3 internal error, 130 / 143 interrupted by SIGINT / SIGTERM).
 *
 * An internal error is one line on stderr (SMOOTHL1_DEBUG=1 adds the stack). Once the
 * command has its exit code the process ends, even if something it started (a
 * grandchild of an implementation holding a pipe) would keep the event loop alive.
 */
import { readSpecJson } from '../common/spec-data.js';
import { EXIT, exitCodesHelp } from './exit-codes.js';
import { UsageError } from './usage.js';

// A reader that goes away early (`smoothl1 cases list | head`) is not an error of ours:
// the rest of the output is dropped, the command finishes and exits with its own code.
// Without a listener, the EPIPE would surface as an unhandled 'error' event and a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const commands: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  cases: { summary: 'validate, list and show the test cases', load: () => import('./commands/cases.js') },
  oracle: { summary: 'compute the expected output and acceptance interval for a case-format JSON file', load: () => import('./commands/oracle.js') },
  run: { summary: 'check an implementation against the corpus and write reports', load: () => import('./commands/run.js') },
  fuzz: { summary: 'search for a failing call (random calls the oracle decides; the first failure shrunk and written as a case file)', load: () => import('./commands/fuzz.js') },
  sweep: { summary: 'check every pair of float16 or bfloat16 patterns for one beta (failing pairs by input class)', load: () => import('./commands/sweep.js') },
  report: { summary: 'work with reports (merge shard reports)', load: () => import('./commands/report.js') },
  expectations: { summary: 'update an expectations file from a report (new failures in, fixed ones out)', load: () => import('./commands/expectations.js') },
  pack: { summary: 'write a conformance pack: the corpus frozen into files any language can check against', load: () => import('./commands/pack.js') },
  'export-onnx': { summary: 'write the ONNX graph the onnxruntime runner uses', load: () => import('./commands/export-onnx.js') },
};

function help(): string {
  const lines = ['usage: smoothl1 <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  lines.push('', "Run 'smoothl1 <command> --help' for a command's options; 'smoothl1 --version' (-V) prints the version.", '', exitCodesHelp('success', 'a check found a problem (unexpected outcomes, an invalid corpus, a corpus defect)'));
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`smoothl1-conformance ${readSpecJson<{ version: string }>('package.json').version}\n`);
    return EXIT.ok;
  }
  const cmd = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!cmd) {
    process.stderr.write(`smoothl1: unknown command '${name}'\n\n${help()}\n`);
    return EXIT.usage;
  }
  const mod = await cmd.load();
  return mod.main(rest);
}

function internalError(err: unknown): void {
  const text = err instanceof Error ? (process.env.SMOOTHL1_DEBUG === '1' ? (err.stack ?? err.message) : err.message.split('\n', 1)[0]) : String(err);
  process.stderr.write(`smoothl1: internal error: ${text}${process.env.SMOOTHL1_DEBUG === '1' ? '' : ' (SMOOTHL1_DEBUG=1 shows where)'}\n`);
}

/** Ends the process with `code` once pending output is written; nothing left running may keep it. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 200).unref();
}

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    internalError(err);
    process.exit(EXIT.internal);
  });
}

main(process.argv.slice(2)).then(finish, (err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`smoothl1: ${err.message}\n`);
    finish(EXIT.usage);
  } else {
    internalError(err);
    finish(EXIT.internal);
  }
});
