import type { Statement } from 'better-sqlite3';
import type { CitygridDatabase } from '../client.ts';

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

/** Counting stops here: "1,000+" is enough for a person, and keeps a common term cheap at a million cases. */
export const SEARCH_TOTAL_CAP = 1000;
/** A term of three characters or more is one trigram phrase; a shorter one is expanded through the vocabulary. */
const MIN_INDEXED_CHARS = 3;
/** A short word beginning more trigrams than this (one common character) is checked row by row instead. */
const MAX_EXPANSION = 300;
const TERMS_SQL = 'select term from case_search_terms where term >= ? and term <= ? limit ?';

const ROW_SQL = `select id, case_number as caseNumber, state, reported_at as reportedAt, description, address, caller_phone as callerPhone,
  unit_code as unitCode, minor_class_code as minorClassCode, community_code as communityCode from cases where id in (select value from json_each(?))`;

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const ftsPhrase = (s: string) => `"${s.replace(/"/g, '""')}"`;
const charCount = (s: string) => [...s].length;

/**
 * The staff search over every case: case number (prefix), caller phone (exact normal form), and any
 * substring of the description or address, through the FTS5 trigram index `case_search` (migration
 * 0010, kept in step by triggers). Newest first = highest row id first (the order of entry); each
 * kind of match is read newest first up to the page size, and the pages are merged, so no query
 * sorts all its matches.
 */
export class CaseSearchStore {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly database: CitygridDatabase) {}

  private prepare(sqlText: string): Statement {
    let s = this.statements.get(sqlText);
    if (!s) {
      s = this.database.sqlite.prepare(sqlText);
      this.statements.set(sqlText, s);
    }
    return s;
  }

  search(criteria: CaseSearchCriteria, page: CaseSearchPage): CaseSearchResult {
    const first = page.before === null;
    // the first page reads up to the cap at once: the count and the page from the same ids
    const take = first ? Math.max(SEARCH_TOTAL_CAP + 1, page.limit + 1) : page.limit + 1;
    const ids = new Set<number>();
    for (const source of this.sources(criteria, page)) {
      for (const id of source.stmt.pluck(true).all(...source.params, take) as number[]) ids.add(id);
    }
    const sorted = [...ids].sort((a, b) => b - a);
    const pageIds = sorted.slice(0, page.limit);
    const byId = new Map(
      (this.prepare(ROW_SQL).all(JSON.stringify(pageIds)) as CaseSearchRow[]).map((r) => [r.id, r]),
    );
    return {
      rows: pageIds.map((id) => byId.get(id)).filter((r): r is CaseSearchRow => r !== undefined),
      nextCursor: sorted.length > page.limit ? pageIds[pageIds.length - 1]! : null,
      total: first ? Math.min(sorted.length, SEARCH_TOTAL_CAP) : null,
      totalCapped: first && sorted.length > SEARCH_TOTAL_CAP,
    };
  }

  /** One newest-first query per kind of match, each ending in `limit ?`. */
  private sources(
    c: CaseSearchCriteria,
    page: CaseSearchPage,
  ): Array<{ kind: string; stmt: Statement; params: unknown[] }> {
    const out: Array<{ kind: string; stmt: Statement; params: unknown[] }> = [];
    const scope: string[] = [];
    const scopeParams: unknown[] = [];
    if (page.before !== null) {
      scope.push('c.id < ?');
      scopeParams.push(page.before);
    }
    if (page.unitCode !== null) {
      scope.push('c.unit_code = ?');
      scopeParams.push(page.unitCode);
    }
    const add = (kind: string, sqlText: string, params: unknown[]) =>
      out.push({ kind, stmt: this.prepare(sqlText), params });
    const and = (parts: string[]) => parts.map((p) => ` and ${p}`).join('');

    if (c.caseNumberPrefix) {
      add(
        'number',
        `select c.id from cases c where c.case_number >= ? and c.case_number < ?${and(scope)} order by c.id desc limit ?`,
        [c.caseNumberPrefix, `${c.caseNumberPrefix}~`, ...scopeParams],
      );
    }
    if (c.phone) {
      add(
        'phone',
        `select c.id from cases c indexed by cases_caller_phone where c.caller_phone = ?${and(scope)} order by c.id desc limit ?`,
        [c.phone, ...scopeParams],
      );
    }
    if (c.textTerms.length > 0) {
      const columns = c.digits ? ['description', 'address', 'caller_phone'] : ['description', 'address'];
      const indexed: string[] = [];
      const scanned: string[] = [];
      for (const term of c.textTerms) {
        if (charCount(term) >= MIN_INDEXED_CHARS) indexed.push(ftsPhrase(term));
        else {
          // a short word: the OR of the trigrams it begins (values end in two U+0001, so every character begins one)
          const prefix = term.toLowerCase();
          const grams = this.prepare(TERMS_SQL)
            .pluck(true)
            .all(prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION + 1) as string[];
          if (grams.length === 0) return out.filter((s) => s.kind !== 'text'); // the word is in no case
          if (grams.length > MAX_EXPANSION) scanned.push(term);
          else indexed.push(`(${grams.map(ftsPhrase).join(' OR ')})`);
        }
      }
      const likes = scanned.map(
        () => `(${columns.map((col) => `c.${col} like ? escape '\\'`).join(' or ')})`,
      );
      const likeParams = scanned.flatMap((t) => columns.map(() => escapeLike(t)));
      if (indexed.length > 0) {
        // the unit's scope is a column of the index: intersected there, no case row is read for it
        const unitMatch =
          page.unitCode !== null ? ` AND unit : ${ftsPhrase(`\u0002${page.unitCode}\u0002`)}` : '';
        const match = indexed.map((e) => `{${columns.join(' ')}} : ${e}`).join(' AND ') + unitMatch;
        const where: string[] = [];
        const params: unknown[] = [match];
        if (page.before !== null) {
          where.push('s.rowid < ?');
          params.push(page.before);
        }
        // the cases table is read only for a word too common to expand
        const join = likes.length > 0 ? ' join cases c on c.id = s.rowid' : '';
        if (join) {
          where.push(...likes);
          params.push(...likeParams);
        }
        add(
          'text',
          `select s.rowid from case_search s${join} where case_search match ?${and(where)} order by s.rowid desc limit ?`,
          params,
        );
      } else {
        // only words too common to expand (one character): read the cases newest first until the page is full
        add(
          'text',
          `select c.id from cases c where ${likes.join(' and ')}${and(scope)} order by c.id desc limit ?`,
          [...likeParams, ...scopeParams],
        );
      }
    }
    return out;
  }
}
