/**
 * Splits a command line into an argument vector the way a POSIX shell splits words,
 * without running a shell: no variables, globs or redirections, so the command that
 * runs is exactly the one the user typed and nothing is interpreted twice.
 */

export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/**
 * Whitespace separates words; '...' keeps everything literally; "..." keeps everything
 * but lets \ escape \ " $ ` and newline; outside quotes \ escapes the next character.
 * Adjacent quoted and unquoted parts join into one word ('a'"b"c -> abc); '' is an
 * empty word.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`command line: unterminated single quote at column ${i + 1}: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new CommandLineError(`command line: unterminated double quote: ${line}`);
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError(`command line: trailing backslash: ${line}`);
      if (line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandLineError('command line is empty: give the program to run, e.g. --command "python3 impl.py"');
  return words;
}
