/**
 * The normative text (spec/smooth-l1-loss.md) and the data/code it describes must agree:
 * the PRNG test vectors, the check order (informative) and the several-errors rule, the error kinds and their types, the profile
 * table. A change to one without the other fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstOutputs, seedState } from '../../common/prng.js';
import { profilesSpec } from '../../common/spec-data.js';
import { floatFormat } from '../../common/float-format.js';
import { materialize } from '../../harness/cases/index.js';
import { formatDecimal } from '../../common/number-format.js';
import { acceptance, computeReference } from '../../oracle/index.js';
import type { ToleranceLevel } from '../../common/types.js';

const md = readFileSync(join(__dirname, '../../spec/smooth-l1-loss.md'), 'utf8');

describe('spec/smooth-l1-loss.md agrees with the code and data', () => {
  it('publishes the PRNG test vectors the implementation produces', () => {
    const rows = [...md.matchAll(/^\| (\d+) \| ((?:[0-9a-f]{8} ?){4}) \| ((?:[0-9a-f]{8} ?){4}) \|$/gm)];
    expect(rows.map((r) => Number(r[1]))).toEqual([0, 1, 42]);
    for (const [, seed, state, outs] of rows) {
      const hex = (xs: ArrayLike<number>) => Array.from(xs, (x) => x.toString(16).padStart(8, '0')).join(' ');
      expect(state.trim()).toBe(hex(seedState(Number(seed))));
      expect(outs.trim()).toBe(hex(firstOutputs(Number(seed), 4)));
    }
  });

  it("states spec/profiles.json's check order as MindSpore's, not required of implementations", () => {
    const m = /\*\*Check order\.\*\*[^:]*"checkOrder"[^:]*not required of implementations: ([^.]+)\./.exec(md.replace(/\s+/g, ' '));
    expect(m).not.toBeNull();
    expect(m![1].split(',').map((s) => s.trim())).toEqual(profilesSpec().checkOrder);
    expect(JSON.stringify(profilesSpec())).toMatch(/not required of implementations/);
  });

  it('accepts any applicable error when several apply (the documentation gives no order)', () => {
    const flat = md.replace(/\s+/g, ' ');
    expect(flat).toMatch(/\*\*Several errors at once\.\*\* When more than one error applies to a call, \*\*any of the applicable errors is accepted\*\*: the documentation gives no order of checks/);
    expect(flat).not.toMatch(/the expected one is the first/);
  });

  it('lists every error kind with its type from spec/profiles.json', () => {
    for (const [kind, e] of Object.entries(profilesSpec().errors)) {
      const row = new RegExp(`^\\| \`${kind}\` \\|[^\\n]*\\| ${e.type === 'any' ? 'any error' : e.type} \\|$`, 'm');
      expect(md, kind).toMatch(row);
    }
  });

  it("reproduces the profiles table's dtypes, beta rules and mixed-dtype rules", () => {
    for (const [name, p] of Object.entries(profilesSpec().profiles)) {
      const row = new RegExp(`^\\| \`${name}\` \\| ([^|]+) \\| [^|]*\\(\`${p.beta.rule}\`\\) \\| [^|]*\\(\`${p.mixedDtypes}\`\\) \\|$`, 'm');
      const m = row.exec(md);
      expect(m, name).not.toBeNull();
      expect(m![1].split(',').map((s) => s.trim())).toEqual(p.dtypes);
    }
  });

  it('prints the worked acceptance example (section 9.1) as the oracle computes it', () => {
    const f16 = (bits: string[]) => ({ type: 'tensor' as const, tensor: { dtype: 'float16' as const, shape: [bits.length], bits } });
    // x = [400, 300, 1.5], y = 0, beta = 1000
    const args = materialize({ logits: f16(['5e40', '5cb0', '3e00']), labels: f16(['0000', '0000', '0000']), beta: { type: 'float', value: '1000' } });
    const f = floatFormat('float16');
    const hex = (x: number) => f.toHex(f.encode(x));
    const block = md.slice(md.indexOf('### 9.1 Worked example'));
    for (const level of ['strict', 'standard'] as ToleranceLevel[]) {
      const acc = acceptance(computeReference(args, 'float16'), level);
      for (let i = 0; i < 3; i++) {
        const d = (x: number) => formatDecimal('float16', x);
        const line = `[${i}] expected ${d(acc.expected[i])} (${hex(acc.expected[i])})`;
        const re = new RegExp(`${level === 'strict' ? 'strict: ' : 'standard:'}[\\s\\S]*?${line.replace(/[[\]().]/g, '\\$&')}\\s+accepted \\[${d(acc.lo[i])}, ${d(acc.hi[i])}\\]\\s+\\[${hex(acc.lo[i])}, ${hex(acc.hi[i])}\\]`);
        expect(block, `${level} element ${i}`).toMatch(re);
      }
    }
  });

  it("spec/fp-primer.md's worked example (section 5) gives the oracle's intervals", () => {
    const primer = readFileSync(join(__dirname, '../../spec/fp-primer.md'), 'utf8').replace(/\s+/g, ' ');
    // float16 x = 3, y = 1.5, beta = 2, none
    const f16 = (bits: string[]) => ({ type: 'tensor' as const, tensor: { dtype: 'float16' as const, shape: [bits.length], bits } });
    const args = materialize({ logits: f16(['4200']), labels: f16(['3e00']), beta: { type: 'float', value: '2' } });
    const q = 2 ** -11;
    const std = acceptance(computeReference(args, 'float16'), 'standard');
    const strict = acceptance(computeReference(args, 'float16'), 'strict');
    expect(primer).toContain(`Accepted: [${std.lo[0] / q}, ${std.hi[0] / q}] * 2^-11 = [${std.lo[0]}, ${std.hi[0]}]`);
    expect(primer).toContain(`the same element gets [${strict.lo[0] / q}, ${strict.hi[0] / q}] * 2^-11`);
  });
});
