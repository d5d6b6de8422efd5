import type Database from 'better-sqlite3';
import type { CitygridDatabase } from '../client.ts';
import type { GroupCommitWriter } from '../writer.ts';
import { rowToCase, rowToEvent } from './case-sql.ts';
import { CaseStore } from './case-store.ts';
import type { CaseCoreStore, CoreApplyInput, CoreCreateInput } from './case-core.ts';
import type { CaseRecord, StoredCaseEvent } from './case-types.ts';

/** The SQLite side of the case-core contract: a thin async adapter over CaseStore. */
export class SqliteCaseCore implements CaseCoreStore {
  readonly backend = 'sqlite' as const;
  readonly store: CaseStore;

  constructor(
    private readonly database: CitygridDatabase,
    writer: GroupCommitWriter = database.writer,
  ) {
    this.store = new CaseStore(database, writer);
  }

  async createCase(input: CoreCreateInput) {
    const { record, events, replayed } = await this.store.createCase(input);
    return { record, events, replayed };
  }

  async applyAction(input: CoreApplyInput) {
    const { record, event } = await this.store.applyAction(input);
    return { record, event };
  }

  getByNumber(caseNumber: string) {
    return this.store.getByNumber(caseNumber);
  }

  listEvents(caseId: number) {
    return this.store.listEvents(caseId);
  }

  listEventsAfter(afterId: number, limit?: number) {
    return this.store.listEventsAfter(afterId, limit);
  }

  lastEventId() {
    return this.store.lastEventId();
  }

  async casesWithEvents(
    afterId: number,
    limit: number,
  ): Promise<Array<{ record: CaseRecord; events: StoredCaseEvent[] }>> {
    return sqliteCasesWithEvents(this.database.sqlite, afterId, limit);
  }
}

/** Cases with id > afterId in id order (at most `limit`), each with its events in seq order. */
export function sqliteCasesWithEvents(
  sqlite: Database.Database,
  afterId: number,
  limit: number,
): Array<{ record: CaseRecord; events: StoredCaseEvent[] }> {
  const rows = sqlite
    .prepare('select * from cases where id > ? order by id limit ?')
    .all(afterId, limit) as Array<Record<string, unknown>>;
  if (rows.length === 0) return [];
  const records = rows.map(rowToCase);
  const last = records[records.length - 1]!.id;
  const byCase = new Map<number, StoredCaseEvent[]>(records.map((r) => [r.id, []]));
  const events = sqlite
    .prepare('select * from case_events where case_id > ? and case_id <= ? order by case_id, seq')
    .all(afterId, last) as Array<Record<string, unknown>>;
  for (const e of events.map(rowToEvent)) byCase.get(e.caseId)?.push(e);
  return records.map((record) => ({ record, events: byCase.get(record.id)! }));
}
