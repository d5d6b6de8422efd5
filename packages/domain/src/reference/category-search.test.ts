import { describe, expect, it } from 'vitest';
import { loadReferenceCategories } from './categories.ts';
import { searchCategories } from './category-search.ts';

const { minorClasses, hotlineCategories } = loadReferenceCategories();
const search = (q: string, hotlineCategory = '') =>
  searchCategories(minorClasses, q, { hotlineCategory, hotlineCategories });
const codes = (q: string, hotlineCategory = '') =>
  search(q, hotlineCategory).items.map((i) => i.minorClass.code);
const first = (q: string) => codes(q)[0];

describe('searchCategories', () => {
  it('finds classes by what callers say, with the intended class first', () => {
    expect(first('供暖不热')).toBe('E0601');
    expect(first('暖气不热')).toBe('E0601');
    expect(first('违停')).toBe('E0503');
    expect(first('垃圾箱满了')).toBe('C0302');
    expect(first('垃圾桶满了')).toBe('C0302');
    expect(first('路灯不亮')).toBe('C0110');
    expect(first('停暖')).toBe('E0602');
    expect(codes('井盖缺失')).toContain('C0101');
    expect(search('井盖缺失').kind).toBe('exact');
  });

  it('finds a class when the caller says more than the stored phrase (substring of the query)', () => {
    expect(first('家里暖气不热了')).toBe('E0601');
    expect(first('小区门口有人乱停车')).toBe('E0503');
    expect(search('小区门口有人乱停车').kind).toBe('exact');
  });

  it('matches pinyin initials of names and phrases, never English names for initials', () => {
    expect(codes('gn').slice(0, 2).sort()).toEqual(['E0601', 'E0602']);
    expect(codes('gn')).not.toContain('C0203'); // Traffic "sign"
    expect(first('ljx')).toBe('C0302');
    expect(first('ggcs')).toBe('C0301');
    expect(first('bllj')).toBe('E0102');
    expect(first('dltx')).toBe('E0401');
    expect(first('xds')).toBe('C0401');
  });

  it('matches codes and, from three letters on, words of the English name', () => {
    expect(first('E0503')).toBe('E0503');
    expect(first('c0302')).toBe('C0302');
    expect(codes('light')).toContain('C0110');
  });

  it('finds hotline categories by name: 供热 lists the heating classes', () => {
    const found = codes('供热');
    expect(found).toEqual(expect.arrayContaining(['E0601', 'E0602', 'E0404', 'C0108']));
  });

  it('offers the nearest classes, marked as such, when nothing matches', () => {
    const r = search('屋顶漏雨');
    expect(r.kind).toBe('nearest');
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.length).toBeLessThanOrEqual(5);
    expect(search('qqqqzz').kind).toBe('none');
    expect(search('qqqqzz').items).toEqual([]);
  });

  it('puts the filtered hotline category first but never hides a match from another category', () => {
    const r = search('路灯', 'sanitation');
    expect(r.items.map((i) => i.minorClass.code)).toContain('C0110');
    expect(r.outsideFilter).toBeGreaterThan(0);
    expect(r.items.find((i) => i.minorClass.code === 'C0110')?.outsideFilter).toBe(true);
    const g = search('垃圾', 'sanitation');
    const firstOutside = g.items.findIndex((i) => i.outsideFilter);
    expect(
      g.items
        .slice(0, firstOutside === -1 ? undefined : firstOutside)
        .every((i) => i.minorClass.hotlineCategory === 'sanitation'),
    ).toBe(true);
  });

  it('lists the filtered classes in code order for an empty query', () => {
    const r = search('  ', 'heating');
    expect(r.kind).toBe('all');
    expect(r.items.every((i) => i.minorClass.hotlineCategory === 'heating')).toBe(true);
  });

  it('gives every class at least three phrases callers use', () => {
    for (const m of minorClasses) expect(m.keywords.length, m.code).toBeGreaterThanOrEqual(3);
  });
});
