import type Database from 'better-sqlite3';
import type { CitygridDatabase } from '../client.ts';
import type { GroupCommitWriter } from '../writer.ts';
import type {
  CitizenReportRow,
  CitizenStorePort,
  NewOutboxEntry,
  OutboxOutcome,
  OutboxRow,
  SinkRow,
} from './citizen-store-port.ts';

export type {
  CitizenReportRow,
  NewOutboxEntry,
  OutboxOutcome,
  OutboxRow,
  SinkRow,
} from './citizen-store-port.ts';

const toReport = (r: Record<string, unknown>): CitizenReportRow => ({
  id: r.id as number,
  caseId: r.case_id as number,
  trackingCode: r.tracking_code as string,
  lang: r.lang as string,
  publicOk: r.public_ok === 1,
  photos: JSON.parse(r.photos as string) as string[],
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
  params: JSON.parse(r.params as string) as Record<string, string>,
  status: r.status as OutboxRow['status'],
  attempts: r.attempts as number,
  nextAttemptAt: r.next_attempt_at as string,
  lockedUntil: (r.locked_until as string | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
  sentAt: (r.sent_at as string | null) ?? null,
  createdAt: r.created_at as string,
});

/**
 * The citizen channel's rows: online reports (tracking code, language, consent, photos), the SMS
 * outbox and the local SMS sink. The `*Now` methods are synchronous so they can run inside the
 * transaction of a case write (through `CaseStore` hooks). The sender's writes (claims, outcomes,
 * the sink) go through the group-commit writer, so they share the commit (and its fsync) of the
 * case writes around them instead of paying one durable transaction each on the event loop.
 */
export class CitizenStore implements CitizenStorePort {
  readonly backend = 'sqlite' as const;
  private readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(
    database: CitygridDatabase,
    private readonly writer: GroupCommitWriter = database.writer,
  ) {
    this.sqlite = database.sqlite;
  }

  /** A prepared statement, prepared once per store. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  insertReportNow(r: Omit<CitizenReportRow, 'id'>): void {
    this.stmt(
      'insert into citizen_reports (case_id, tracking_code, lang, public_ok, photos, coord_system, created_at) values (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      r.caseId,
      r.trackingCode,
      r.lang,
      r.publicOk ? 1 : 0,
      JSON.stringify(r.photos),
      r.coordSystem,
      r.createdAt,
    );
  }

  /** The case an idempotency key already created, if any (a retried submission). */
  async caseIdOfIdempotencyKey(key: string): Promise<number | null> {
    const row = this.stmt('select case_id as caseId from idempotency_keys where key = ?').get(key) as
      { caseId: number } | undefined;
    return row?.caseId ?? null;
  }

  async reportByCode(code: string): Promise<CitizenReportRow | null> {
    const row = this.stmt('select * from citizen_reports where tracking_code = ?').get(code) as
      Record<string, unknown> | undefined;
    return row ? toReport(row) : null;
  }

  async reportByCaseId(caseId: number): Promise<CitizenReportRow | null> {
    return this.reportByCaseIdNow(caseId);
  }

  /** The report of a case, synchronously (inside a case write's transaction). */
  reportByCaseIdNow(caseId: number): CitizenReportRow | null {
    const row = this.stmt('select * from citizen_reports where case_id = ?').get(caseId) as
      Record<string, unknown> | undefined;
    return row ? toReport(row) : null;
  }

  /** Is this photo part of a citizen report (so the public may fetch it through its tracking code)? */
  async reportHasPhoto(caseId: number, sha: string): Promise<boolean> {
    return !!this.stmt(
      'select 1 from citizen_reports, json_each(photos) where case_id = ? and value = ?',
    ).get(caseId, sha);
  }

  /** Case numbers of the citizen reports that carry this photo. */
  async caseNumbersWithPhoto(sha: string): Promise<string[]> {
    return (
      this.stmt(
        'select c.case_number as n from citizen_reports r join cases c on c.id = r.case_id, json_each(r.photos) where json_each.value = ?',
      ).all(sha) as Array<{ n: string }>
    ).map((r) => r.n);
  }

  /** Queue a notification; a second row for the same (event, kind) is ignored. */
  enqueueNow(o: NewOutboxEntry): void {
    this.stmt(
      'insert into notification_outbox (case_id, event_id, kind, phone, lang, params, status, attempts, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict do nothing',
    ).run(o.caseId, o.eventId, o.kind, o.phone, o.lang, JSON.stringify(o.params), 'pending', o.at, o.at);
  }

  /**
   * Take up to `limit` due rows for this sender until `lockUntil` (others skip them meanwhile);
   * resolves once the lock is committed.
   */
  claimDue(now: string, lockUntil: string, limit: number): Promise<OutboxRow[]> {
    return this.writer.submit(() => {
      const rows = (
        this.stmt(
          "select * from notification_outbox where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until <= ?) order by id limit ?",
        ).all(now, now, limit) as Array<Record<string, unknown>>
      ).map(toOutbox);
      const lock = this.stmt('update notification_outbox set locked_until = ? where id = ?');
      for (const r of rows) lock.run(lockUntil, r.id);
      return rows;
    });
  }

  /** Record a pass's delivery outcomes in one write: sent, or failed with its next attempt (or given up). */
  recordOutcomes(outcomes: readonly OutboxOutcome[]): Promise<void> {
    if (outcomes.length === 0) return Promise.resolve();
    return this.writer.submit(() => {
      const sent = this.stmt(
        "update notification_outbox set status = 'sent', sent_at = ?, attempts = attempts + 1, locked_until = null, last_error = null where id = ?",
      );
      const retry = this.stmt(
        'update notification_outbox set status = ?, attempts = attempts + 1, next_attempt_at = ?, locked_until = null, last_error = ? where id = ?',
      );
      for (const o of outcomes) {
        if (o.sent) sent.run(o.at, o.id);
        else retry.run(o.giveUp ? 'failed' : 'pending', o.nextAttemptAt, o.error.slice(0, 500), o.id);
      }
    });
  }

  async outboxOf(caseId: number): Promise<OutboxRow[]> {
    return (
      this.stmt('select * from notification_outbox where case_id = ? order by id').all(caseId) as Array<
        Record<string, unknown>
      >
    ).map(toOutbox);
  }

  /** Record a message in the local sink; returns false when this outbox row was already delivered there. */
  sinkPut(messages: ReadonlyArray<Omit<SinkRow, 'id'>>): Promise<number> {
    return this.writer.submit(() => {
      const insert = this.stmt(
        'insert into sms_sink (outbox_id, phone, lang, kind, template_id, params, text, sent_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
      );
      let added = 0;
      for (const s of messages)
        added += insert.run(
          s.outboxId,
          s.phone,
          s.lang,
          s.kind,
          s.templateId,
          JSON.stringify(s.params),
          s.text,
          s.sentAt,
        ).changes;
      return added;
    });
  }

  async sinkMessages(phone?: string): Promise<SinkRow[]> {
    const rows = (
      phone
        ? this.stmt('select * from sms_sink where phone = ? order by id').all(phone)
        : this.stmt('select * from sms_sink order by id').all()
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as number,
      outboxId: r.outbox_id as number,
      phone: r.phone as string,
      lang: r.lang as string,
      kind: r.kind as string,
      templateId: r.template_id as string,
      params: JSON.parse(r.params as string) as Record<string, string>,
      text: r.text as string,
      sentAt: r.sent_at as string,
    }));
  }
}
