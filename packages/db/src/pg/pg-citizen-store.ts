import type postgres from 'postgres';
import type { CitizenStorePort } from '../stores/citizen-store-port.ts';
import type {
  CitizenReportRow,
  NewOutboxEntry,
  OutboxOutcome,
  OutboxRow,
  SinkRow,
} from '../stores/citizen-store.ts';
import type { PgDatabase, PgSql } from './client.ts';

/** A pool or a transaction: the row writers below run inside the case store's transaction. */
type Tx = PgSql | postgres.TransactionSql;

/** jsonb arrives parsed from postgres.js; text JSON (e.g. from a `::text` cast) is parsed here. */
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** A `citizen_reports` row as the stores hand it out. */
export const toReport = (r: Record<string, unknown>): CitizenReportRow => ({
  id: r.id as number,
  caseId: r.case_id as number,
  trackingCode: r.tracking_code as string,
  lang: r.lang as string,
  publicOk: r.public_ok === true,
  photos: json<string[]>(r.photos),
  coordSystem: r.coord_system as string,
  createdAt: r.created_at as string,
});

const toOutbox = (r: Record<string, unknown>): OutboxRow => ({
  id: r.id as number,
  caseId: r.case_id as number,
  eventId: (r.event_id as number | null) ?? null,
  kind: r.kind as string,
  phone: r.phone as string,
  lang: r.lang as string,
  params: json<Record<string, string>>(r.params),
  status: r.status as OutboxRow['status'],
  attempts: r.attempts as number,
  nextAttemptAt: r.next_attempt_at as string,
  lockedUntil: (r.locked_until as string | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
  sentAt: (r.sent_at as string | null) ?? null,
  createdAt: r.created_at as string,
});

const toSink = (r: Record<string, unknown>): SinkRow => ({
  id: r.id as number,
  outboxId: r.outbox_id as number,
  phone: r.phone as string,
  lang: r.lang as string,
  kind: r.kind as string,
  templateId: r.template_id as string,
  params: json<Record<string, string>>(r.params),
  text: r.text as string,
  sentAt: r.sent_at as string,
});

/** Write an online report's row (in the case store's transaction, as SQLite's `insertReportNow`). */
export async function pgInsertCitizenReport(tx: Tx, r: Omit<CitizenReportRow, 'id'>): Promise<void> {
  await tx`
    insert into citizen_reports (case_id, tracking_code, lang, public_ok, photos, coord_system, created_at)
    values (${r.caseId}, ${r.trackingCode}, ${r.lang}, ${r.publicOk}, ${JSON.stringify(r.photos)}::text::jsonb,
            ${r.coordSystem}, ${r.createdAt})`;
}

/**
 * Queue notifications in one insert (in the case store's transaction); a second row for the same
 * (event, kind) is ignored, as on SQLite.
 */
export async function pgEnqueueOutbox(tx: Tx, entries: readonly NewOutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((o) => ({
    case_id: o.caseId,
    event_id: o.eventId,
    kind: o.kind,
    phone: o.phone,
    lang: o.lang,
    params: o.params,
    at: o.at,
  }));
  await tx`insert into notification_outbox (case_id, event_id, kind, phone, lang, params, status, attempts, next_attempt_at, created_at)
    select case_id, event_id, kind, phone, lang, params, 'pending', 0, at, at
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
      as x(case_id integer, event_id bigint, kind text, phone text, lang text, params jsonb, at text)
    on conflict do nothing`;
}

/**
 * The citizen channel's rows on PostgreSQL. Claims are safe across nodes: the due rows are picked
 * with `for update skip locked` and their lock written in the same statement, so two senders (on
 * one node or many) never get the same row while its lock holds, and neither waits for the other.
 */
export class PgCitizenStore implements CitizenStorePort {
  readonly backend = 'postgres' as const;
  private readonly sql: PgSql;

  constructor(database: Pick<PgDatabase, 'sql'>) {
    this.sql = database.sql;
  }

  async caseIdOfIdempotencyKey(key: string): Promise<number | null> {
    const [row] = await this.sql`select case_id from idempotency_keys where key = ${key}`;
    return row ? (row.case_id as number) : null;
  }

  async reportByCode(code: string): Promise<CitizenReportRow | null> {
    const [row] = await this.sql`select * from citizen_reports where tracking_code = ${code}`;
    return row ? toReport(row) : null;
  }

  async reportByCaseId(caseId: number): Promise<CitizenReportRow | null> {
    const [row] = await this.sql`select * from citizen_reports where case_id = ${caseId}`;
    return row ? toReport(row) : null;
  }

  async reportHasPhoto(caseId: number, sha: string): Promise<boolean> {
    const rows = await this.sql`
      select 1 from citizen_reports where case_id = ${caseId} and photos ? ${sha}`;
    return rows.length > 0;
  }

  async caseNumbersWithPhoto(sha: string): Promise<string[]> {
    const rows = await this.sql`
      select c.case_number from citizen_reports r join cases c on c.id = r.case_id
      where r.photos ? ${sha} order by r.id`;
    return rows.map((r) => r.case_number as string);
  }

  async claimDue(now: string, lockUntil: string, limit: number): Promise<OutboxRow[]> {
    const rows = await this.sql`
      update notification_outbox set locked_until = ${lockUntil}
      where id in (
        select id from notification_outbox
        where status = 'pending' and next_attempt_at <= ${now} and (locked_until is null or locked_until <= ${now})
        order by id limit ${limit}
        for update skip locked)
      returning *`;
    return rows.map(toOutbox).sort((a, b) => a.id - b.id);
  }

  /** One statement for the pass's sent messages (the common case), one per failure. */
  async recordOutcomes(outcomes: readonly OutboxOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const sent = outcomes.filter((o): o is Extract<OutboxOutcome, { sent: true }> => o.sent);
    const failed = outcomes.filter((o): o is Extract<OutboxOutcome, { sent: false }> => !o.sent);
    const markSent = (tx: Tx) => tx`
      update notification_outbox o set status = 'sent', sent_at = s.at, attempts = attempts + 1,
        locked_until = null, last_error = null
      from unnest(${sent.map((o) => o.id)}::bigint[], ${sent.map((o) => o.at)}::text[]) as s(id, at)
      where o.id = s.id`;
    if (failed.length === 0) {
      await markSent(this.sql);
      return;
    }
    await this.sql.begin(async (tx) => {
      if (sent.length) await markSent(tx);
      for (const o of failed)
        await tx`
          update notification_outbox set status = ${o.giveUp ? 'failed' : 'pending'}, attempts = attempts + 1,
            next_attempt_at = ${o.nextAttemptAt}, locked_until = null, last_error = ${o.error.slice(0, 500)}
          where id = ${o.id}`;
    });
  }

  async outboxOf(caseId: number): Promise<OutboxRow[]> {
    const rows = await this.sql`select * from notification_outbox where case_id = ${caseId} order by id`;
    return rows.map(toOutbox);
  }

  async sinkPut(messages: ReadonlyArray<Omit<SinkRow, 'id'>>): Promise<number> {
    if (messages.length === 0) return 0;
    const rows = messages.map((s) => ({
      outbox_id: s.outboxId,
      phone: s.phone,
      lang: s.lang,
      kind: s.kind,
      template_id: s.templateId,
      params: s.params,
      text: s.text,
      sent_at: s.sentAt,
    }));
    const added = await this.sql`
      insert into sms_sink (outbox_id, phone, lang, kind, template_id, params, text, sent_at)
      select outbox_id, phone, lang, kind, template_id, params, text, sent_at
      from jsonb_populate_recordset(null::sms_sink, ${JSON.stringify(rows)}::text::jsonb) with ordinality as m
      order by m.ordinality
      on conflict (outbox_id) do nothing
      returning id`;
    return added.length;
  }

  async sinkMessages(phone?: string): Promise<SinkRow[]> {
    const rows = phone
      ? await this.sql`select * from sms_sink where phone = ${phone} order by id`
      : await this.sql`select * from sms_sink order by id`;
    return rows.map(toSink);
  }
}
