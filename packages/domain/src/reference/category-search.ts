import type { HotlineCategory, MinorClass } from './types.ts';

/** What the picker needs of a minor class (the API's serialised classes fit as they are). */
export type SearchableClass = Pick<
  MinorClass,
  'code' | 'name' | 'nameEn' | 'pinyinInitials' | 'keywords' | 'keywordInitials' | 'hotlineCategory'
>;

export interface CategorySearchOptions {
  /** A hotline category (热线类别) the operator chose to narrow by; '' or undefined for all. */
  readonly hotlineCategory?: string;
  /** Hotline categories by name, so "供热" finds the classes of 集中供热. */
  readonly hotlineCategories?: readonly Pick<HotlineCategory, 'code' | 'name'>[];
  /** Most items returned (default 12). */
  readonly limit?: number;
  /** Most nearest classes offered when nothing matches (default 5). */
  readonly nearestLimit?: number;
}

export interface CategorySearchItem<M> {
  readonly minorClass: M;
  /** Outside the chosen hotline-category filter: shown after the filtered ones, never hidden. */
  readonly outsideFilter: boolean;
}

export interface CategorySearchResult<M> {
  /** Best first: classes in the filter, then matching classes of other hotline categories. */
  readonly items: readonly CategorySearchItem<M>[];
  /**
   * `exact` — the items match the query; `nearest` — nothing matched, the items are only the
   * closest classes (the picker must say so and must not pick one on Enter by itself);
   * `none` — nothing matched and nothing is close; `all` — empty query, the (filtered) list.
   */
  readonly kind: 'all' | 'exact' | 'nearest' | 'none';
  /** How many of `items` lie outside the hotline-category filter (the filter would have hidden them). */
  readonly outsideFilter: number;
}

/** Query as compared: lower case, no spaces or punctuation (callers' phrases arrive with them). */
export function normalizeCategoryQuery(query: string): string {
  return query
    .trim()
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

const LATIN = /^[a-z]+$/;
const CODE = /^[ce]\d{1,4}$/;

/** Score of a class for a query of pinyin initials (`gn`, `ljx`). English names are not matched here. */
function scoreInitials(m: SearchableClass, q: string): number {
  const py = m.pinyinInitials;
  const kw = m.keywordInitials ?? [];
  if (py === q) return 100;
  if (py.startsWith(q)) return 85;
  if (kw.includes(q)) return 80;
  if (kw.some((k) => k.startsWith(q))) return 70;
  if (py.includes(q)) return 50;
  if (q.length >= 2 && kw.some((k) => k.includes(q))) return 40;
  return 0;
}

/** Score of a class for a query in Chinese (or mixed): its name, then callers' phrases for it. */
function scoreText(m: SearchableClass, q: string, categoryName: string): number {
  const name = normalizeCategoryQuery(m.name);
  const kws = m.keywords.map(normalizeCategoryQuery);
  if (name === q) return 100;
  if (kws.includes(q)) return 95;
  if (name.startsWith(q)) return 85;
  if (kws.some((k) => k.startsWith(q))) return 80;
  if (name.includes(q)) return 70;
  if (kws.some((k) => k.includes(q))) return 65;
  // the caller said more than the phrase: 供暖不热了 contains 供暖不热; longer phrases count more
  const contained = [name, ...kws]
    .filter((t) => t.length >= 2 && q.includes(t))
    .reduce((a, t) => Math.max(a, t.length), 0);
  if (contained > 0) return 50 + Math.min(contained, 9);
  if (categoryName && (categoryName.includes(q) || (categoryName.length >= 2 && q.includes(categoryName))))
    return 45;
  if (q.length >= 2 && categoryName) {
    // 供热 finds 集中供热: any two characters of the query in a row inside the category name
    for (let i = 0; i + 2 <= q.length; i++) if (categoryName.includes(q.slice(i, i + 2))) return 45;
  }
  return 0;
}

/** Words of an English name a query of 3+ letters may start (`light` → Street light); never for initials' matches. */
function scoreEnglish(m: SearchableClass, q: string): number {
  if (q.length < 3) return 0;
  return m.nameEn
    .toLowerCase()
    .split(/[^a-z]+/)
    .some((w) => w.length > 0 && w.startsWith(q))
    ? 30
    : 0;
}

const bigrams = (s: string) => {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= s.length; i++) out.add(s.slice(i, i + 2));
  return out;
};
const overlap = (a: Set<string>, b: Set<string>) => {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
};

/** Similarity 0..1 of two phrases: shared character pairs count double, shared single characters once. */
function similarity(q: string, t: string): number {
  const qc = new Set(q);
  const tc = new Set(t);
  const chars = (2 * overlap(qc, tc)) / (qc.size + tc.size);
  const qb = bigrams(q);
  const tb = bigrams(t);
  const pairs = qb.size + tb.size === 0 ? 0 : (2 * overlap(qb, tb)) / (qb.size + tb.size);
  return (chars + 2 * pairs) / 3;
}

/** How close a class is to a query that matched nothing: its best name or phrase, or initials in order. */
function nearness(m: SearchableClass, q: string): number {
  if (LATIN.test(q)) {
    const inOrder = (s: string) => {
      let i = 0;
      for (const ch of s) if (ch === q[i]) i++;
      return i / q.length;
    };
    return Math.max(inOrder(m.pinyinInitials), ...(m.keywordInitials ?? []).map(inOrder)) >= 1 ? 0.5 : 0;
  }
  return Math.max(
    similarity(q, normalizeCategoryQuery(m.name)),
    ...m.keywords.map((k) => similarity(q, normalizeCategoryQuery(k))),
  );
}

/**
 * The category picker's search (小类检索): by class name, the phrases callers use, pinyin initials of
 * both, code, or (3+ letters) a word of the English name; best first, ties by code. A chosen
 * hotline-category filter puts its classes first but never hides a match from another category: such
 * matches follow, counted in `outsideFilter`, so the picker can say the filter would hide them.
 * When nothing matches, the nearest classes are returned with `kind: 'nearest'`.
 */
export function searchCategories<M extends SearchableClass>(
  classes: readonly M[],
  query: string,
  opts: CategorySearchOptions = {},
): CategorySearchResult<M> {
  const limit = opts.limit ?? 12;
  const filter = opts.hotlineCategory ?? '';
  const inFilter = (m: M) => !filter || m.hotlineCategory === filter;
  const q = normalizeCategoryQuery(query);
  if (!q) {
    return {
      kind: 'all',
      outsideFilter: 0,
      items: classes
        .filter(inFilter)
        .slice(0, limit)
        .map((m) => ({ minorClass: m, outsideFilter: false })),
    };
  }
  const categoryNames = new Map(
    (opts.hotlineCategories ?? []).map((c) => [c.code as string, normalizeCategoryQuery(c.name)]),
  );
  const latin = LATIN.test(q);
  const scored: Array<{ m: M; s: number }> = [];
  for (const m of classes) {
    let s = CODE.test(q) && m.code.toLowerCase().startsWith(q) ? 90 : 0;
    if (!s) s = latin ? scoreInitials(m, q) : scoreText(m, q, categoryNames.get(m.hotlineCategory) ?? '');
    if (!s && latin) s = scoreEnglish(m, q);
    if (s > 0) scored.push({ m, s });
  }
  let kind: CategorySearchResult<M>['kind'] = 'exact';
  if (scored.length === 0) {
    for (const m of classes) {
      const s = nearness(m, q);
      if (s > 0.05) scored.push({ m, s });
    }
    kind = scored.length > 0 ? 'nearest' : 'none';
  }
  scored.sort((a, b) => b.s - a.s || a.m.code.localeCompare(b.m.code));
  const ranked = kind === 'nearest' ? scored.slice(0, opts.nearestLimit ?? 5) : scored;
  const inside = ranked.filter((x) => inFilter(x.m));
  const outside = ranked.filter((x) => !inFilter(x.m));
  const items = [
    ...inside.map((x) => ({ minorClass: x.m, outsideFilter: false })),
    ...outside.map((x) => ({ minorClass: x.m, outsideFilter: true })),
  ].slice(0, limit);
  return { kind, items, outsideFilter: items.filter((i) => i.outsideFilter).length };
}
