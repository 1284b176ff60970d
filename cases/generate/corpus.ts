/**
 * The whole generated corpus: every template's cases, built, formatted and written to
 * cases/<area>/<name>.json. Writing removes generated files that no template produces
 * any more; cases/hand/ (hand-written cases) is never touched.
 */
import { mkdirSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCase, type BuiltCase, type CaseSpec } from './build-case.js';
import { formatJson } from './json-format.js';
import { dtypeCases, docCases, reductionCases, shapeCases } from './templates/basic.js';
import { betaCases, thresholdCases } from './templates/beta.js';
import { errorCases } from './templates/errors.js';
import { precisionCases, specialCases } from './templates/special.js';
import { largeCases, promotionCases, randomCases } from './templates/more.js';
import { bugClassCases } from './templates/bug-classes.js';

/** Folders below cases/ that the generator does not own. */
export const NOT_GENERATED = new Set(['hand', 'generate']);

export function caseSpecs(): CaseSpec[] {
  const specs = [
    ...docCases(),
    ...shapeCases(),
    ...dtypeCases(),
    ...reductionCases(),
    ...betaCases(),
    ...thresholdCases(),
    ...errorCases(),
    ...specialCases(),
    ...precisionCases(),
    ...promotionCases(),
    ...largeCases(),
    ...randomCases(),
    ...bugClassCases(),
  ];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id)) throw new Error(`cases/generate: two templates produce the case id '${s.id}'`);
    if (NOT_GENERATED.has(s.id.split('/')[0])) throw new Error(`cases/generate: case id '${s.id}' lies in a folder the generator does not own`);
    seen.add(s.id);
  }
  return specs;
}

export interface GeneratedFile {
  id: string;
  text: string;
}

export function buildCorpus(filter?: (id: string) => boolean): GeneratedFile[] {
  return caseSpecs()
    .filter((s) => !filter || filter(s.id))
    .map((s) => {
      const built: BuiltCase = buildCase(s);
      return { id: built.id, text: formatJson(built.json) };
    });
}

function listJson(dir: string, rel = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(p).isDirectory()) {
      if (!(rel === '' && NOT_GENERATED.has(name))) out.push(...listJson(p, r));
    } else if (name.endsWith('.json')) out.push(r.replace(/\.json$/, ''));
  }
  return out;
}

function removeEmptyDirs(dir: string, top: boolean): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory() && !(top && NOT_GENERATED.has(name))) removeEmptyDirs(p, false);
  }
  if (!top && readdirSync(dir).length === 0) rmdirSync(dir);
}

export interface WriteResult {
  written: number;
  unchanged: number;
  removed: string[];
}

/** Writes the corpus below `outDir` (files whose content is unchanged are not rewritten). */
export function writeCorpus(outDir: string, files: GeneratedFile[] = buildCorpus()): WriteResult {
  const ids = new Set(files.map((f) => f.id));
  const res: WriteResult = { written: 0, unchanged: 0, removed: [] };
  for (const f of files) {
    const p = join(outDir, f.id + '.json');
    if (existsSync(p) && readFileSync(p, 'utf8') === f.text) {
      res.unchanged++;
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
    res.written++;
  }
  for (const id of listJson(outDir)) {
    if (!ids.has(id)) {
      rmSync(join(outDir, id + '.json'));
      res.removed.push(id);
    }
  }
  removeEmptyDirs(outDir, true);
  return res;
}
