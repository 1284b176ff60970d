/**
 * Strict JSON for hand-edited data files (cases, expectations): the bytes must be valid
 * UTF-8, no object may repeat a key (JSON.parse silently keeps the last one, so a case
 * could say one thing to a reader and another to the suite), and nesting is bounded
 * before anything recursive (the schema validator) walks the document.
 */

/** Deeper than any legitimate case (the corpus needs 7 levels) and far below any stack limit. */
export const MAX_JSON_DEPTH = 64;

export type StrictJson = { ok: true; value: unknown } | { ok: false; pointer: string; message: string };

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1 (RFC 3629: no overlongs, surrogates or values above U+10FFFF). */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d < min || d > max) return i;
    }
    i += n + 1;
  }
  return -1;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface Frame {
  kind: 'object' | 'array';
  keys?: Set<string>;
  expectKey: boolean;
  /** The key or index of the value being read, for pointers. */
  at: string;
  index: number;
}

/**
 * Checks a syntactically valid JSON text for duplicate keys and nesting depth in one
 * pass, without recursion. Returns a problem with the JSON pointer of the offending
 * object, or undefined.
 */
function structureProblem(text: string, maxDepth: number): { pointer: string; message: string } | undefined {
  const stack: Frame[] = [];
  const pointer = () => stack.map((f) => '/' + escapePointer(f.at)).join('');
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && top.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys!.has(key)) return { pointer: stack.slice(0, -1).map((f) => '/' + escapePointer(f.at)).join('') + '/' + escapePointer(key), message: `duplicate key ${JSON.stringify(key)} (JSON.parse would keep only the last one)` };
        top.keys!.add(key);
        top.expectKey = false;
        top.at = key;
      }
      i = j + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (stack.length >= maxDepth) return { pointer: pointer(), message: `nested deeper than ${maxDepth} levels` };
      stack.push(ch === '{' ? { kind: 'object', keys: new Set(), expectKey: true, at: '', index: 0 } : { kind: 'array', expectKey: false, at: '0', index: 0 });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top.kind === 'object') top.expectKey = true;
      else top.at = String(++top.index);
    }
    i++;
  }
  return undefined;
}

/** Parses bytes as strict JSON (UTF-8, no duplicate keys, bounded depth). */
export function parseStrictJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): StrictJson {
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) return { ok: false, pointer: '', message: `not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad} does not start a valid sequence` };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, pointer: '', message: `not valid JSON: ${(e as Error).message}` };
  }
  const p = structureProblem(text, maxDepth);
  if (p) return { ok: false, ...p };
  return { ok: true, value };
}
