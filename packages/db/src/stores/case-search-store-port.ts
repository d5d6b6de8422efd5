/**
 * The staff case search as the services use it: what both backends implement (`CaseSearchStore`
 * on SQLite through the FTS5 trigram index, `PgCaseSearchStore` on PostgreSQL through pg_trgm), with
 * the same matches, order and paging (`case-search-store.contract.test.ts`).
 */

/**
 * What to look for, already parsed (see the api's `parseCaseSearchQuery`). A case matches when it
 * matches ANY of the kinds given; inside `textTerms` every term must appear.
 */
export interface CaseSearchCriteria {
  /** Case numbers starting with this (at least the day, `YYYYMMDD`). */
  readonly caseNumberPrefix: string | null;
  /** A caller phone in its stored normal form: an exact match. */
  readonly phone: string | null;
  /** Substrings that must all appear in the description or the address (`digits`: or the caller phone). */
  readonly textTerms: readonly string[];
  /** The terms are digits typed as a phone number: the caller phone column is searched too. */
  readonly digits: boolean;
}

export interface CaseSearchPage {
  /** Only cases this unit holds (unit staff); null for everyone else. */
  readonly unitCode: string | null;
  /** Keyset cursor: only cases with a smaller row id (the previous page's `nextCursor`). */
  readonly before: number | null;
  readonly limit: number;
}

export interface CaseSearchRow {
  readonly id: number;
  readonly caseNumber: string;
  readonly state: string;
  readonly reportedAt: string;
  readonly description: string;
  readonly address: string | null;
  readonly callerPhone: string | null;
  readonly unitCode: string | null;
  readonly minorClassCode: string;
  readonly communityCode: string | null;
}

export interface CaseSearchResult {
  rows: CaseSearchRow[];
  /** Pass as `before` for the next page; null on the last page. */
  nextCursor: number | null;
  /** Matching cases counted up to `TOTAL_CAP` (first page only; null on later pages). */
  total: number | null;
  /** `total` stopped at the cap: there are more. */
  totalCapped: boolean;
}

export interface CaseSearchStorePort {
  /** Matching cases newest first (highest id first), one page, in the page's unit scope. */
  search(criteria: CaseSearchCriteria, page: CaseSearchPage): Promise<CaseSearchResult>;
}

/** Counting stops here: "1,000+" is enough for a person, and keeps a common term cheap at a million cases. */
export const SEARCH_TOTAL_CAP = 1000;

/** How many ids each kind of match reads, newest first: the first page reads up to the cap (count and page from the same ids). */
export const searchTake = (page: CaseSearchPage): number =>
  page.before === null ? Math.max(SEARCH_TOTAL_CAP + 1, page.limit + 1) : page.limit + 1;

/** A LIKE pattern matching `s` anywhere, with `\` as the escape character. */
export const containsPattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Merge the id lists of each kind of match (each newest first, at most `searchTake(page)` long)
 * into the page: the union newest first, cut at the limit, counted up to the cap on the first page.
 * `rowsOf` reads the page's rows (any order).
 */
export async function mergeSearchPage(
  idLists: readonly (readonly number[])[],
  page: CaseSearchPage,
  rowsOf: (ids: number[]) => Promise<CaseSearchRow[]> | CaseSearchRow[],
): Promise<CaseSearchResult> {
  const first = page.before === null;
  const sorted = [...new Set(idLists.flat())].sort((a, b) => b - a);
  const pageIds = sorted.slice(0, page.limit);
  const byId = new Map((pageIds.length > 0 ? await rowsOf(pageIds) : []).map((r) => [r.id, r]));
  return {
    rows: pageIds.map((id) => byId.get(id)).filter((r): r is CaseSearchRow => r !== undefined),
    nextCursor: sorted.length > page.limit ? pageIds[pageIds.length - 1]! : null,
    total: first ? Math.min(sorted.length, SEARCH_TOTAL_CAP) : null,
    totalCapped: first && sorted.length > SEARCH_TOTAL_CAP,
  };
}
