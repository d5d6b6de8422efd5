import { replayCaseEvents, type CaseSnapshot } from '@citygrid/domain';
import type { ApplyActionInput, CreateCaseInput } from './case-store.ts';
import type { CaseRecord, StoredCaseEvent } from './case-types.ts';

/*
 * The case core both backends implement and one contract suite tests (case-core.contract.test.ts):
 * filing a case with its first events, applying an action under an optimistic version, idempotent
 * intake, the event log after an id, and "every row is the replay of its events". The SQLite
 * implementation is an adapter over CaseStore (sqlite-case-core.ts); PostgreSQL's is
 * pg/pg-case-store.ts. In-transaction callbacks (`within`, `follow`) are synchronous and SQLite-only
 * today, so they are not part of this contract yet.
 */

export type CoreCreateInput = Pick<CreateCaseInput, 'fields' | 'events' | 'idempotency'>;
export type CoreApplyInput = Omit<ApplyActionInput, 'follow'>;

export interface CaseCoreStore {
  readonly backend: 'sqlite' | 'postgres';
  /** File a case with its events in one transaction; resolves after COMMIT. Idempotent on the key. */
  createCase(
    input: CoreCreateInput,
  ): Promise<{ record: CaseRecord; events: StoredCaseEvent[]; replayed: boolean }>;
  /** Apply an action; `CONFLICT` (row unchanged) when `expectedVersion` is not the stored version. */
  applyAction(input: CoreApplyInput): Promise<{ record: CaseRecord; event: StoredCaseEvent }>;
  getByNumber(caseNumber: string): Promise<CaseRecord | null>;
  listEvents(caseId: number): Promise<StoredCaseEvent[]>;
  /** Events with id > afterId in id order (the live stream's backlog and resume). */
  listEventsAfter(afterId: number, limit?: number): Promise<StoredCaseEvent[]>;
  lastEventId(): Promise<number>;
  /** Cases in id order after `afterId`, with their events: the input of a whole-database replay check. */
  casesWithEvents(
    afterId: number,
    limit: number,
  ): Promise<Array<{ record: CaseRecord; events: StoredCaseEvent[] }>>;
}

/** The snapshot a case's events replay to. */
export function replayOfEvents(events: readonly StoredCaseEvent[]): CaseSnapshot {
  return replayCaseEvents(
    events.map((e) => ({
      action: e.action,
      actor: { userId: e.actorUserId, role: e.actorRole as never, unitCode: e.actorUnitCode as never },
      at: e.at,
    })),
  );
}

/** Differences between a stored case and the replay of its events (seqs 1..version, every snapshot field). */
export function replayMismatchesOf(record: CaseRecord, events: readonly StoredCaseEvent[]): string[] {
  const problems: string[] = [];
  const seqs = events.map((e) => e.seq).join(',');
  const expected = Array.from({ length: record.version }, (_, i) => i + 1).join(',');
  if (seqs !== expected)
    problems.push(`${record.caseNumber}: event seqs ${seqs} are not 1..${record.version}`);
  let replayed: CaseSnapshot;
  try {
    replayed = replayOfEvents(events);
  } catch (e) {
    return [...problems, `${record.caseNumber}: events do not replay: ${(e as Error).message}`];
  }
  const storedFields = new Map<string, unknown>(Object.entries(record));
  for (const [k, v] of Object.entries(replayed)) {
    const stored = storedFields.get(k);
    if (JSON.stringify(stored) !== JSON.stringify(v))
      problems.push(
        `${record.caseNumber}: ${k} stored ${JSON.stringify(stored)} but replays to ${JSON.stringify(v)}`,
      );
  }
  return problems;
}

/** Replay every case of a store against its row; returns the number checked and the mismatches found. */
export async function verifyEveryCaseReplays(
  store: Pick<CaseCoreStore, 'casesWithEvents'>,
  opts: { pageSize?: number; maxProblems?: number } = {},
): Promise<{ checked: number; problems: string[] }> {
  const pageSize = opts.pageSize ?? 2000;
  const problems: string[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const page = await store.casesWithEvents(after, pageSize);
    for (const { record, events } of page) {
      checked++;
      if (problems.length < (opts.maxProblems ?? 100)) problems.push(...replayMismatchesOf(record, events));
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.record.id;
  }
  return { checked, problems };
}
