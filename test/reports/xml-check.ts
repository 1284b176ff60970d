/**
 * A small XML 1.0 well-formedness check for the junit test: the document must tokenise
 * completely into a declaration, tags with quoted attributes, comments and text; every
 * '&' must start a predefined or numeric entity; tags must nest and there must be one
 * root. Returns the problems (empty when well-formed) and the element tree's names.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

export function checkXml(doc: string): { problems: string[]; root?: XmlElement } {
  const problems: string[] = [];
  // eslint-disable-next-line no-control-regex
  const bad = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(doc);
  if (bad) problems.push(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML, at ${bad.index}`);
  const token = /<\?xml[^?]*\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|[^<]+/gy;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  while (pos < doc.length) {
    token.lastIndex = pos;
    const m = token.exec(doc);
    if (!m) {
      problems.push(`cannot parse at offset ${pos}: ${JSON.stringify(doc.slice(pos, pos + 40))}`);
      break;
    }
    pos = token.lastIndex;
    const t = m[0];
    const checkAmp = (s: string) => {
      const amp = /&(?!(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.exec(s);
      if (amp) problems.push(`bare '&' at ${JSON.stringify(s.slice(amp.index, amp.index + 20))}`);
    };
    if (t.startsWith('<?') || t.startsWith('<!--')) continue;
    if (m[2] !== undefined) {
      const closing = m[1] === '/';
      const name = m[2];
      if (closing) {
        const open = stack.pop();
        if (!open || open.name !== name) problems.push(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const a of m[3].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g)) {
        checkAmp(a[2]);
        if (a[1] in attrs) problems.push(`duplicate attribute ${a[1]} on <${name}>`);
        attrs[a[1]] = decode(a[2]);
      }
      const el: XmlElement = { name, attrs, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else if (root) problems.push(`second root element <${name}>`);
      else root = el;
      if (m[4] !== '/') stack.push(el);
      continue;
    }
    checkAmp(t);
    if (t.includes('>') && t.includes(']]>')) problems.push(`']]>' in text`);
    if (stack.length > 0) stack[stack.length - 1].text += decode(t);
    else if (t.trim() !== '') problems.push(`text outside the root: ${JSON.stringify(t.slice(0, 30))}`);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) problems.push('no root element');
  return root ? { problems, root } : { problems };
}
