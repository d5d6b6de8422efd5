import type postgres from 'postgres';
import {
  containsPattern,
  mergeSearchPage,
  searchTake,
  type CaseSearchCriteria,
  type CaseSearchPage,
  type CaseSearchResult,
  type CaseSearchRow,
  type CaseSearchStorePort,
} from '../stores/case-search-store-port.ts';
import type { PgDatabase, PgSql } from './client.ts';

type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** Characters no case mapping produces or changes: Han, decimal digits, punctuation, spaces. */
const CASELESS = /^[\p{Script=Han}\p{Nd}\p{P}\s]*$/u;

/**
 * The staff case search on PostgreSQL: the same matches, order and paging as the SQLite FTS5 trigram
 * index (`CaseSearchStore`), read through pg_trgm. Migration `0002_case_search_trgm` creates the
 * extension and a GIN trigram index on `cases.description`, `address` and `caller_phone`; a term is
 * matched with `ilike '%term%'` on those columns (case-insensitive, as FTS5's trigram tokenizer), or
 * with `like` when it has no case (Han characters, digits, punctuation: the same matches, a third of
 * the cost per row checked), which the planner answers from the indexes (a BitmapOr over the columns,
 * the heap rechecked) or, for a common term, by reading newest first until the page is full. A term of
 * one or two characters yields no trigram: it is checked row by row, newest first, until the page is
 * full (SQLite expands such a word through its vocabulary instead). pg_trgm only indexes characters
 * the database's LC_CTYPE calls letters: the database needs a UTF-8 ctype (e.g. `C.UTF-8`), under
 * `C` Chinese text yields no trigram and every search reads rows (see packages/db/CONTEXT.md).
 *
 * Each kind of match (case number prefix, exact phone, text) is read newest first up to the page
 * size and the lists merged (`mergeSearchPage`), as on SQLite.
 */
export class PgCaseSearchStore implements CaseSearchStorePort {
  private readonly sql: PgSql;
  constructor(database: Pick<PgDatabase, 'sql'>) {
    this.sql = database.sql;
  }

  async search(criteria: CaseSearchCriteria, page: CaseSearchPage): Promise<CaseSearchResult> {
    const take = searchTake(page);
    const idLists = await Promise.all(
      this.sources(criteria).map(async (where) => {
        const rows = await this.sql<Array<{ id: number }>>`
          select c.id from cases c where ${where}${this.scope(page)} order by c.id desc limit ${take}`;
        return rows.map((r) => r.id);
      }),
    );
    return mergeSearchPage(idLists, page, (ids) => this.rows(ids));
  }

  /**
   * Whether pg_trgm makes trigrams of Chinese in this database (a UTF-8 LC_CTYPE): if not, every
   * search still answers right but reads the table (a node logs it at start).
   */
  async indexesChinese(): Promise<boolean> {
    const [r] = await this.sql<Array<{ n: number | null }>>`select cardinality(show_trgm('锡林浩特')) as n`;
    return (r?.n ?? 0) > 0;
  }

  /** The condition of each kind of match asked for. */
  private sources(c: CaseSearchCriteria): Fragment[] {
    const sql = this.sql;
    const out: Fragment[] = [];
    if (c.caseNumberPrefix) {
      out.push(sql`c.case_number >= ${c.caseNumberPrefix} and c.case_number < ${`${c.caseNumberPrefix}~`}`);
    }
    if (c.phone) out.push(sql`c.caller_phone = ${c.phone}`);
    if (c.textTerms.length > 0) {
      const terms = c.textTerms.map((term) => {
        const p = containsPattern(term);
        // ilike lower-cases every row it checks, three times the cost of like on Chinese text; a term
        // of Han characters, digits, punctuation and spaces only has no case, so like matches the same
        if (CASELESS.test(term))
          return c.digits
            ? sql`(c.description like ${p} or c.address like ${p} or c.caller_phone like ${p})`
            : sql`(c.description like ${p} or c.address like ${p})`;
        return c.digits
          ? sql`(c.description ilike ${p} or c.address ilike ${p} or c.caller_phone ilike ${p})`
          : sql`(c.description ilike ${p} or c.address ilike ${p})`;
      });
      out.push(terms.reduce((all, t) => sql`${all} and ${t}`));
    }
    return out;
  }

  private scope(page: CaseSearchPage): Fragment {
    const sql = this.sql;
    const before = page.before !== null ? sql` and c.id < ${page.before}` : sql``;
    const unit = page.unitCode !== null ? sql` and c.unit_code = ${page.unitCode}` : sql``;
    return sql`${before}${unit}`;
  }

  private async rows(ids: number[]): Promise<CaseSearchRow[]> {
    return this.sql<CaseSearchRow[]>`
      select id, case_number as "caseNumber", state, reported_at as "reportedAt", description, address,
             caller_phone as "callerPhone", unit_code as "unitCode", minor_class_code as "minorClassCode",
             community_code as "communityCode"
        from cases where id = any(${ids}::int[])`;
  }
}
