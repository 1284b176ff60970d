/**
 * The corpus's one JSON layout, so regenerating gives byte-identical files: 2-space
 * indentation, keys in the order the objects were built, arrays of scalars packed onto
 * lines of at most 100 columns, a newline at the end.
 */
const WIDTH = 100;

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function format(v: unknown, indent: string): string {
  if (isScalar(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isScalar)) {
      const items = v.map((x) => JSON.stringify(x));
      const oneLine = `[${items.join(', ')}]`;
      if (indent.length + oneLine.length <= WIDTH) return oneLine;
      const lines: string[] = [];
      let line = '';
      for (const it of items) {
        if (line !== '' && inner.length + line.length + it.length + 2 > WIDTH) {
          lines.push(line + ',');
          line = '';
        }
        line = line === '' ? it : `${line}, ${it}`;
      }
      lines.push(line);
      return `[\n${lines.map((l) => inner + l).join('\n')}\n${indent}]`;
    }
    return `[\n${v.map((x) => inner + format(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const oneLine = `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')} }`;
  // Small flat objects ({ "type": "float", "value": "0.5" }) read best on one line.
  if (entries.every(([, x]) => isScalar(x)) && indent.length + oneLine.length <= WIDTH) return oneLine;
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)}`).join(',\n')}\n${indent}}`;
}

export function formatJson(v: unknown): string {
  return format(v, '') + '\n';
}
