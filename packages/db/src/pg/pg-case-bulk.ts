import { DomainError, followUpsOf } from '@citygrid/domain';
import { rowToCase } from '../stores/case-sql.ts';
import { beijingDay, type CreateCaseInput } from '../stores/case-store.ts';
import {
  caseNumberOf,
  followUpRows,
  newCaseRow,
  type PendingChange,
  type PlannedEvent,
  type Tx,
} from './pg-case-tx.ts';

/*
 * Phase 1 (pg-case-tx.ts) of a bulk load (seeders): the rows of many new cases in a few statements
 * instead of a few round trips per case. The outcome is the one of filing the jobs one by one in
 * order: a job whose idempotency key is stored (or came earlier in the batch) is skipped, a key
 * reused for a different request is refused; each day's numbers go to its jobs in order; follow-ups
 * are applied in job order once every new row is in (a merge naming the case of a later job is
 * refused, as it would be one by one).
 */

/** Rows per insert statement (each statement's one jsonb parameter stays a few MB at most). */
const CHUNK = 2000;

const chunks = <T>(xs: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

export interface BulkJob {
  input: CreateCaseInput;
  planned: PlannedEvent[];
}

/** The jobs still to file: those whose idempotency key is neither stored nor earlier in the batch. */
async function newJobs(tx: Tx, jobs: readonly BulkJob[]): Promise<BulkJob[]> {
  const keys = jobs.flatMap((j) => (j.input.idempotency ? [j.input.idempotency.key] : []));
  const hashOf = new Map<string, string>();
  for (const part of chunks(keys))
    for (const r of await tx<Array<{ key: string; request_hash: string }>>`
      select key, request_hash from idempotency_keys where key in ${tx(part)}`)
      hashOf.set(r.key, r.request_hash);
  return jobs.filter(({ input: { idempotency: idem } }) => {
    if (!idem) return true;
    const seen = hashOf.get(idem.key);
    if (seen === undefined) {
      hashOf.set(idem.key, idem.requestHash);
      return true;
    }
    if (seen !== idem.requestHash)
      throw new DomainError('IDEMPOTENCY_MISMATCH', 'this idempotency key was used for a different request', {
        field: 'idempotencyKey',
      });
    return false;
  });
}

/** Case numbers for the jobs in order: one counter update per Beijing day. */
async function numbersOf(tx: Tx, jobs: readonly BulkJob[]): Promise<string[]> {
  const days = jobs.map((j) => beijingDay(j.input.fields.reportedAt));
  const count = new Map<string, number>();
  for (const d of days) count.set(d, (count.get(d) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const [day, k] of count) {
    const [r] = await tx<
      [{ last: number }]
    >`insert into case_number_counters (day, last) values (${day}, ${k})
      on conflict (day) do update set last = case_number_counters.last + ${k} returning last`;
    next.set(day, r.last - k + 1);
  }
  return days.map((d) => {
    const n = next.get(d)!;
    next.set(d, n + 1);
    return caseNumberOf(d, n);
  });
}

/** Phase 1 of `createCasesBulk`: every new case's rows, then the follow-ups; the changes in order. */
export async function fileCasesBulkRows(tx: Tx, all: readonly BulkJob[]): Promise<PendingChange[]> {
  const jobs = await newJobs(tx, all);
  if (jobs.length === 0) return [];
  const numbers = await numbersOf(tx, jobs);
  const rows = jobs.map((j, i) => newCaseRow(j.input, numbers[i]!, j.planned));
  const columns = Object.keys(rows[0]!);
  const byNumber = new Map<string, ReturnType<typeof rowToCase>>();
  for (const part of chunks(rows))
    for (const r of await tx`insert into cases (${tx(columns)})
      select ${tx(columns)} from jsonb_populate_recordset(null::cases, ${JSON.stringify(part)}::text::jsonb)
      returning *`)
      byNumber.set(r.case_number as string, rowToCase(r));
  const filed = jobs.map((j, i) => ({ ...j, record: byNumber.get(numbers[i]!)! }));
  const keys = filed.flatMap(({ input: { idempotency: idem }, record, planned }) =>
    idem
      ? [{ key: idem.key, request_hash: idem.requestHash, case_id: record.id, created_at: planned[0]!.e.at }]
      : [],
  );
  for (const part of chunks(keys)) await tx`insert into idempotency_keys ${tx(part)}`;
  const reports = filed.flatMap(({ input: { citizenReport: r }, record }) =>
    r
      ? [
          {
            case_id: record.id,
            tracking_code: r.trackingCode,
            lang: r.lang,
            public_ok: r.publicOk,
            photos: r.photos,
            coord_system: r.coordSystem,
            created_at: r.createdAt,
          },
        ]
      : [],
  );
  for (const part of chunks(reports))
    await tx`insert into citizen_reports (case_id, tracking_code, lang, public_ok, photos, coord_system, created_at)
      select case_id, tracking_code, lang, public_ok, photos, coord_system, created_at
      from jsonb_populate_recordset(null::citizen_reports, ${JSON.stringify(part)}::text::jsonb)`;
  const changes: PendingChange[] = filed.map(({ record, planned }) => ({ record, planned }));
  // as one by one: a follow-up may change a case of an earlier job, not of a later one
  const jobOf = new Map(numbers.map((n, i) => [n, i]));
  for (const [i, { record, planned }] of filed.entries())
    for (const p of planned) {
      for (const f of followUpsOf(record.caseNumber, p.action))
        if ((jobOf.get(f.caseNumber) ?? -1) > i)
          throw new DomainError('NOT_FOUND', `no case ${f.caseNumber}`, { field: 'caseNumber' });
      changes.push(...(await followUpRows(tx, record.caseNumber, p.e, p.action)));
    }
  return changes;
}
