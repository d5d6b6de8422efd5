/**
 * What must hold of a stored city whatever happened to it: every case is exactly its event log, and
 * the totals a refused request may not move.
 */
import type { Database } from 'better-sqlite3';
import { replayCaseEvents, type CaseSnapshot } from '@citygrid/domain';
import type { CaseView } from '@citygrid/api';
import type { SqlProbe } from './sql-probe.ts';

type SqliteConnection = Pick<Database, 'prepare'>;

/** The snapshot the case's events replay to. */
export function replayOf(events: CaseView['events']): CaseSnapshot {
  return replayCaseEvents(
    events.map((e) => ({
      action: e.action,
      actor: { userId: e.actorUserId, role: e.actorRole as never, unitCode: e.actorUnitCode as never },
      at: e.at,
    })),
  );
}

/**
 * Differences between a case as stored and as its events replay: every snapshot field, event
 * sequence numbers 1..version without gaps. Empty when the row is exactly its event log.
 */
export function replayMismatches(view: Pick<CaseView, 'record' | 'events'>): string[] {
  const problems: string[] = [];
  const { record, events } = view;
  const seqs = events.map((e) => e.seq);
  const expected = Array.from({ length: record.version }, (_, i) => i + 1);
  if (JSON.stringify(seqs) !== JSON.stringify(expected))
    problems.push(`${record.caseNumber}: event seqs ${seqs.join(',')} are not 1..${record.version}`);
  let replayed: CaseSnapshot;
  try {
    replayed = replayOf(events);
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

/** What no refused or invalid request may change. */
export function caseTotals(db: SqliteConnection): {
  cases: number;
  versions: number;
  events: number;
  maxEventId: number;
} {
  return db
    .prepare(
      'select (select count(*) from cases) as cases, (select coalesce(sum(version), 0) from cases) as versions, (select count(*) from case_events) as events, (select coalesce(max(id), 0) from case_events) as maxEventId',
    )
    .get() as { cases: number; versions: number; events: number; maxEventId: number };
}

const TOTALS_SQL =
  'select (select count(*) from cases) as cases, (select coalesce(sum(version), 0) from cases) as versions, (select count(*) from case_events) as events, (select coalesce(max(id), 0) from case_events) as "maxEventId"';

/** `caseTotals` on either backend (a test server's `sqlProbe`). */
export async function caseTotalsOf(probe: SqlProbe): Promise<ReturnType<typeof caseTotals>> {
  const r = (await probe.get<Record<string, unknown>>(TOTALS_SQL))!;
  return {
    cases: Number(r.cases),
    versions: Number(r.versions),
    events: Number(r.events),
    maxEventId: Number(r.maxEventId),
  };
}

const MISMATCH_SQL =
  'select c.case_number as n, c.version as v, count(e.id) as k, coalesce(max(e.seq), 0) as m, coalesce(min(e.seq), 0) as lo from cases c left join case_events e on e.case_id = c.id group by c.id, c.case_number, c.version having count(e.id) != c.version or coalesce(max(e.seq), 0) != c.version or coalesce(min(e.seq), 0) != 1';
type MismatchRow = { n: string; v: number; k: number; m: number; lo: number };
const describeMismatch = (r: MismatchRow) => `${r.n}: version ${r.v}, ${r.k} events, seq ${r.lo}..${r.m}`;

/** Cases whose event count or last seq disagrees with their version (should be none). */
export function versionEventMismatches(db: SqliteConnection): string[] {
  return (db.prepare(MISMATCH_SQL).all() as MismatchRow[]).map(describeMismatch);
}

/** The same, on either backend. */
export async function versionEventMismatchesOf(probe: SqlProbe): Promise<string[]> {
  return (await probe.all<MismatchRow>(MISMATCH_SQL)).map(describeMismatch);
}
