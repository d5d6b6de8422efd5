/**
 * Fills `pinyinInitials` (class names) and `keywordInitials` (caller phrases, parallel to `keywords`)
 * in `src/reference/data/categories.json` from pinyin-pro, except the deliberate readings listed in
 * `src/reference/pinyin-readings.ts`. Run after editing names or keywords:
 *
 *   pnpm --filter @citygrid/domain exec tsx scripts/generate-initials.ts
 *
 * pinyin-pro is a dev dependency: the shipped data carries the initials, the web app never loads it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';
import { DELIBERATE_INITIALS, cleanInitials } from '../src/reference/pinyin-readings.ts';

const FILE = join(import.meta.dirname, '../src/reference/data/categories.json');

export const libraryInitials = (text: string) =>
  cleanInitials(
    pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(''),
  );

const initialsOf = (text: string) => DELIBERATE_INITIALS[text] ?? libraryInitials(text);

const data = JSON.parse(readFileSync(FILE, 'utf8')) as {
  minorClasses: Array<Record<string, unknown> & { name: string; keywords: string[] }>;
};
data.minorClasses = data.minorClasses.map((m) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === 'keywordInitials') continue;
    out[k] = k === 'pinyinInitials' ? initialsOf(m.name) : v;
    if (k === 'keywords') out['keywordInitials'] = m.keywords.map(initialsOf);
  }
  return out as (typeof data.minorClasses)[number];
});
writeFileSync(FILE, `${JSON.stringify(data, null, 2)}\n`);
