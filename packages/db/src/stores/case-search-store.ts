import type { Statement } from 'better-sqlite3';
import type { CitygridDatabase } from '../client.ts';
import {
  containsPattern,
  mergeSearchPage,
  searchTake,
  type CaseSearchCriteria,
  type CaseSearchPage,
  type CaseSearchResult,
  type CaseSearchRow,
  type CaseSearchStorePort,
} from './case-search-store-port.ts';

/** A term of three characters or more is one trigram phrase; a shorter one is expanded through the vocabulary. */
const MIN_INDEXED_CHARS = 3;
/** A short word beginning more trigrams than this (one common character) is checked row by row instead. */
const MAX_EXPANSION = 300;
const TERMS_SQL = 'select term from case_search_terms where term >= ? and term <= ? limit ?';

const ROW_SQL = `select id, case_number as caseNumber, state, reported_at as reportedAt, description, address, caller_phone as callerPhone,
  unit_code as unitCode, minor_class_code as minorClassCode, community_code as communityCode from cases where id in (select value from json_each(?))`;

const ftsPhrase = (s: string) => `"${s.replace(/"/g, '""')}"`;
const charCount = (s: string) => [...s].length;

/**
 * The staff search over every case: case number (prefix), caller phone (exact normal form), and any
 * substring of the description or address, through the FTS5 trigram index `case_search` (migration
 * 0010, kept in step by triggers). Newest first = highest row id first (the order of entry); each
 * kind of match is read newest first up to the page size, and the pages are merged, so no query
 * sorts all its matches.
 */
export class CaseSearchStore implements CaseSearchStorePort {
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

  async search(criteria: CaseSearchCriteria, page: CaseSearchPage): Promise<CaseSearchResult> {
    const take = searchTake(page);
    const idLists = this.sources(criteria, page).map(
      (source) => source.stmt.pluck(true).all(...source.params, take) as number[],
    );
    return mergeSearchPage(
      idLists,
      page,
      (ids) => this.prepare(ROW_SQL).all(JSON.stringify(ids)) as CaseSearchRow[],
    );
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
      const likeParams = scanned.flatMap((t) => columns.map(() => containsPattern(t)));
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
