import { describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { loadReferenceCategories } from './categories.ts';
import { DELIBERATE_INITIALS, cleanInitials } from './pinyin-readings.ts';

/** The initials pinyin-pro gives, non-Chinese letters kept in place (`KTV吵` → `ktvc`). */
const libraryInitials = (text: string) =>
  cleanInitials(
    pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(''),
  );
const expected = (text: string) => DELIBERATE_INITIALS[text] ?? libraryInitials(text);

const { minorClasses } = loadReferenceCategories();

describe('pinyin initials in the category reference data', () => {
  it('gives every class name the initials pinyin-pro reads, except the listed deliberate readings', () => {
    const wrong = minorClasses
      .filter((m) => m.pinyinInitials !== expected(m.name))
      .map((m) => `${m.code} ${m.name}: ${m.pinyinInitials}, expected ${expected(m.name)}`);
    expect(wrong).toEqual([]);
  });

  it('gives every caller phrase its initials, one per keyword in the same order', () => {
    const wrong: string[] = [];
    for (const m of minorClasses) {
      expect(m.keywordInitials?.length, m.code).toBe(m.keywords.length);
      m.keywords.forEach((k, i) => {
        if (m.keywordInitials?.[i] !== expected(k))
          wrong.push(`${m.code} ${k}: ${m.keywordInitials?.[i]}, expected ${expected(k)}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it('lists only deliberate readings where the library really differs (no stale entries)', () => {
    for (const [word, initials] of Object.entries(DELIBERATE_INITIALS))
      expect(libraryInitials(word), word).not.toBe(initials);
  });
});
