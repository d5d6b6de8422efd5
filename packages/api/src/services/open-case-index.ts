import type { CaseFilter, CaseStorePort, CaseSummaryRow } from '@citygrid/db';

export type OpenCaseEntry = CaseSummaryRow & { id: number };

/** Filter keys the in-memory index answers itself (equality on a summary column); any other filter goes to SQL. */
const EQUALITY_KEYS = ['unitCode', 'cellCode', 'communityCode', 'minorClassCode', 'hotlineCategory'] as const;
const IGNORED_KEYS = new Set<string>(['orderBy', 'limit', 'openOnly']);

/** `due_at is null, due_at, id`: the order of `CaseStore.list` with `orderBy: 'due'`. */
const byDue = (a: OpenCaseEntry, b: OpenCaseEntry) => {
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    return a.dueAt < b.dueAt ? -1 : 1;
  }
  return a.id - b.id;
};

/**
 * The open cases (summary columns), held in memory for the live map's snapshot. It follows the event
 * log rather than the live bus: before each read it asks for the last event id (one index lookup)
 * and re-reads only the cases with events since the last read, so nothing written by any path (the
 * services, seeding, another process) is missed, and an idle read costs no query over the cases.
 * Loaded on first use from the covering partial index `cases_open_due`.
 */
export class OpenCaseIndex {
  private entries: Map<number, OpenCaseEntry> | null = null;
  private position = 0;
  private sorted: OpenCaseEntry[] | null = null;

  constructor(private readonly store: CaseStorePort) {}

  /** Whether `filter` can be answered from memory (the open set with equality filters on summary columns). */
  static answers(filter: CaseFilter): boolean {
    for (const [k, v] of Object.entries(filter)) {
      if (v === undefined || IGNORED_KEYS.has(k) || (EQUALITY_KEYS as readonly string[]).includes(k))
        continue;
      if (k === 'states' && Array.isArray(v) && v.length === 0) continue;
      if (k === 'offset' && !v) continue;
      return false;
    }
    return true;
  }

  /** The open cases in due order, current as of the last committed event. */
  async list(filter: CaseFilter = {}, limit = Infinity): Promise<OpenCaseEntry[]> {
    const all = await this.current();
    const keys = EQUALITY_KEYS.filter((k) => filter[k] !== undefined);
    if (keys.length === 0) return all.length > limit ? all.slice(0, limit) : all;
    const out: OpenCaseEntry[] = [];
    for (const e of all) {
      if (keys.every((k) => e[k] === filter[k])) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  private async current(): Promise<OpenCaseEntry[]> {
    const last = await this.store.lastEventId();
    if (!this.entries || last < this.position) {
      // first use (or the log went backwards: a restored database): read the whole open set
      const rows = await this.store.openSummaries(null);
      this.entries = new Map(rows.map((r) => [r.id, r]));
      this.position = last;
      this.sorted = null;
    } else if (last > this.position) {
      const ids = await this.store.caseIdsWithEventsBetween(this.position, last);
      const rows = await this.store.openSummaries(ids);
      for (const id of ids) this.entries.delete(id);
      for (const r of rows) this.entries.set(r.id, r);
      this.position = last;
      this.sorted = null;
    }
    if (!this.sorted) this.sorted = [...this.entries.values()].sort(byDue);
    return this.sorted;
  }
}
