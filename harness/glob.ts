/**
 * Glob over case ids, shared by run filters and expectations files: '*' matches any run
 * of characters within one path segment, '**' any run including '/', '?' one character
 * other than '/'. 'a/**\/b' also matches 'a/b' (zero folders).
 *
 * Matching runs a small NFA over the string, one step per character with a set of
 * active states, so it takes O(length of id x length of glob) whatever the pattern: a
 * backtracking regular expression takes exponential time on patterns such as
 * '************************x' (test/hostile/glob.test.ts checks both the speed and the
 * semantics, against a regular expression on small inputs).
 */

/** One NFA state: on which characters it advances to which state, and its free moves. */
interface State {
  /** Consumes one character c when accept(c) holds and moves to `next`. */
  edges: { accept: (c: string) => boolean; next: number }[];
  /** States reachable without consuming a character. */
  eps: number[];
}

const anyChar = () => true;
const notSlash = (c: string) => c !== '/';
const isSlash = (c: string) => c === '/';

export type GlobMatcher = (s: string) => boolean;

/** Compiles a glob into a matcher whose cost is linear in the length of the string. */
export function compileGlob(glob: string): GlobMatcher {
  const states: State[] = [];
  const add = (): number => states.push({ edges: [], eps: [] }) - 1;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    const s = add();
    const next = s + 1;
    if (ch === '*' && glob[i + 1] === '*' && glob[i + 2] === '/') {
      // '**/' = zero or more characters ending in '/', or nothing: an entry state that may
      // be skipped, and an inside state that leaves only through a '/'.
      const inside = add();
      const after = inside + 1;
      states[s].eps.push(after);
      states[s].edges.push({ accept: anyChar, next: inside }, { accept: isSlash, next: after });
      states[inside].edges.push({ accept: anyChar, next: inside }, { accept: isSlash, next: after });
      i += 2;
    } else if (ch === '*' && glob[i + 1] === '*') {
      states[s].edges.push({ accept: anyChar, next: s });
      states[s].eps.push(next);
      i += 1;
    } else if (ch === '*') {
      states[s].edges.push({ accept: notSlash, next: s });
      states[s].eps.push(next);
    } else if (ch === '?') {
      states[s].edges.push({ accept: notSlash, next });
    } else {
      states[s].edges.push({ accept: (c) => c === ch, next });
    }
  }
  const final = add();
  const n = states.length;

  /** Adds state k and everything reachable from it by free moves to `set` (an iterative closure). */
  const close = (set: Uint8Array, list: number[], k: number): void => {
    const stack = [k];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (set[x]) continue;
      set[x] = 1;
      list.push(x);
      for (const e of states[x].eps) if (!set[e]) stack.push(e);
    }
  };

  return (str: string): boolean => {
    let set = new Uint8Array(n);
    let list: number[] = [];
    close(set, list, 0);
    for (let i = 0; i < str.length; i++) {
      const c = str[i];
      const nextSet = new Uint8Array(n);
      const nextList: number[] = [];
      for (const x of list) for (const e of states[x].edges) if (!nextSet[e.next] && e.accept(c)) close(nextSet, nextList, e.next);
      if (nextList.length === 0) return false;
      set = nextSet;
      list = nextList;
    }
    return set[final] === 1;
  };
}

/**
 * The glob's definition as a regular expression ('**\/' = (?:.*\/)?, '**' = .*, '*' =
 * [^/]*, '?' = [^/]), for display and for callers that want a RegExp. Matching through it
 * (test, exec, String.prototype.match) runs the linear matcher, never the backtracking
 * engine.
 */
export function globToRegExp(glob: string): RegExp {
  return new GlobRegExp(glob);
}

function definitionSource(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*' && glob[i + 2] === '/') {
      re += '(?:.*/)?';
      i += 2;
    } else if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return `^${re}$`;
}

class GlobRegExp extends RegExp {
  private readonly matches: GlobMatcher;
  constructor(glob: string) {
    super(definitionSource(glob), 's');
    this.matches = compileGlob(glob);
  }
  override test(s: string): boolean {
    return this.matches(String(s));
  }
  override exec(s: string): RegExpExecArray | null {
    const str = String(s);
    if (!this.matches(str)) return null;
    return Object.assign([str], { index: 0, input: str, groups: undefined }) as RegExpExecArray;
  }
}
