/** A problem with how the command was called (exit code 2, no stack trace). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Minimal, strict option parser shared by the subcommands: unknown options are usage errors. */
export interface OptionSpec {
  [name: string]: { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
}
export function parseOptions(argv: string[], spec: OptionSpec): { options: Record<string, string | boolean | string[]>; positionals: string[] } {
  const options: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [k, v] of Object.entries(spec)) if (v.short) byShort.set(v.short, k);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else if (a.startsWith('-') && a.length === 2 && a !== '-') {
      name = byShort.get(a.slice(1));
      if (!name) throw new UsageError(`unknown option '${a}'`);
    } else {
      positionals.push(a);
      continue;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option '--${name}'`);
    if (s.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      options[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option '--${name}' needs a value`);
    // '--report-dir --no-timings' is a forgotten value, not a folder named '--no-timings'
    // (the '=' form, --report-dir=--odd, still passes such a value on purpose).
    if (inline === undefined && (value.startsWith('--') || (/^-[A-Za-z]$/.test(value) && byShort.has(value.slice(1))))) {
      throw new UsageError(`option '--${name}' needs a value, but the next argument is the option '${value}' (write --${name}=${value} if that is the value)`);
    }
    if (value === '') throw new UsageError(`option '--${name}' needs a non-empty value`);
    if (s.multiple) options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    else options[name] = value;
  }
  return { options, positionals };
}
