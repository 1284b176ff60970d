/**
 * The command that reruns one case, built in one place from everything that can change
 * its outcome: the implementation (--runner with --command or --module), the corpus
 * (--cases), the time limit (--timeout, --startup-timeout), the rules (--profile,
 * --tolerance) and the expectations file. The checking engine appends --filter '<id>'.
 */
import type { ProfileName, ToleranceLevel } from '../common/types.js';
import { shellQuote } from './check.js';

export interface RerunSpec {
  runner: string;
  command?: string;
  modulePath?: string;
  casesDir?: string;
  timeoutMs?: number;
  startupMs?: number;
  profile: ProfileName;
  tolerance: ToleranceLevel;
  expectationsFile?: string;
}

/** `npx smoothl1 run ...` without the --filter that names the case. */
export function rerunPrefix(s: RerunSpec): string {
  const parts = ['npx smoothl1 run', `--runner ${shellQuote(s.runner)}`];
  if (s.command !== undefined) parts.push(`--command ${shellQuote(s.command)}`);
  if (s.modulePath !== undefined) parts.push(`--module ${shellQuote(s.modulePath)}`);
  if (s.casesDir !== undefined) parts.push(`--cases ${shellQuote(s.casesDir)}`);
  parts.push(`--profile ${s.profile}`, `--tolerance ${s.tolerance}`);
  if (s.timeoutMs !== undefined) parts.push(`--timeout ${s.timeoutMs}`);
  if (s.startupMs !== undefined) parts.push(`--startup-timeout ${s.startupMs}`);
  if (s.expectationsFile !== undefined) parts.push(`--expectations ${shellQuote(s.expectationsFile)}`);
  return parts.join(' ');
}
