import type {
  CaseEventHook,
  CitizenStorePort,
  NewOutboxEntry,
  OutboxOutcome,
  OutboxRow,
  SinkRow,
} from '@citygrid/db';
import type { Clock } from '../services/clock.ts';
import type { ReferenceService } from '../services/reference-service.ts';
import SMS_MESSAGES from './sms-messages.json' with { type: 'json' };

export const CITIZEN_LANGS = ['zh', 'mn', 'en'] as const;
export type CitizenLang = (typeof CITIZEN_LANGS)[number];
export const NOTIFY_KINDS = ['received', 'filed', 'dispatched', 'closed', 'rework', 'rejected'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** Mainland mobile numbers (the only ones SMS can reach). */
export const CN_MOBILE = /^1[3-9]\d{9}$/;

/** The SMS text of a kind in a language, with `{param}` filled in. */
export function renderSms(kind: string, lang: string, params: Record<string, string>): string {
  // the message file's languages (its `_note`/`_review` entries are notes for translators)
  const table: Partial<Record<string, Partial<Record<string, string>>>> = {
    zh: SMS_MESSAGES.zh,
    mn: SMS_MESSAGES.mn,
    en: SMS_MESSAGES.en,
  };
  const template = table[lang]?.[kind] ?? table.zh?.[kind] ?? kind;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
}

/**
 * What to tell whom: a CaseStore hook, so its outbox rows are written in the SAME transaction as the
 * event they announce.
 * Who is told: the online reporter (their language) or a hotline caller who gave a mobile (Chinese).
 */
export function createNotificationHook(
  ref: ReferenceService,
  clock: Clock,
  publicUrl: string,
): CaseEventHook {
  return (record, events, report) => {
    const phone = record.callerPhone?.replace(/\s/g, '') ?? '';
    if (!CN_MOBILE.test(phone)) return [];
    const out: NewOutboxEntry[] = [];
    const lang = report?.lang ?? 'zh';
    const code = report?.trackingCode ?? record.caseNumber;
    const url = report ? `${publicUrl}/track/${report.trackingCode}` : publicUrl;
    const unitName = (u: string | null) => {
      const unit = u ? ref.snapshot.units.find((x) => x.code === u) : null;
      return unit ? (lang === 'en' ? unit.nameEn : unit.name) : '';
    };
    const types = new Set(events.map((e) => e.type));
    const at = clock.now().toISOString();
    for (const e of events) {
      let kind: NotifyKind | null = null;
      const params: Record<string, string> = { code, url };
      switch (e.type) {
        case 'report':
          kind = report ? 'received' : null;
          break;
        case 'file':
          // a hotline call filed and dispatched at once gets one message, the dispatch
          kind = types.has('dispatch') ? null : 'filed';
          break;
        case 'dispatch':
        case 'redispatch': {
          kind = 'dispatched';
          const a = e.action as { unitCode?: string };
          params.unit = unitName(a.unitCode ?? null);
          break;
        }
        case 'close':
          kind = 'closed';
          break;
        case 'rework':
          kind = 'rework';
          params.unit = unitName(record.unitCode);
          break;
        case 'void':
          kind = report ? 'rejected' : null;
          params.reason = e.reason ?? '';
          break;
        default:
          kind = null;
      }
      if (kind) out.push({ caseId: record.id, eventId: e.id, kind, phone, lang, params, at });
    }
    return out;
  };
}

/** A message to send: the sink's row without its id and time (`outboxId`: a provider that supports it uses it as its deduplication id, e.g. OutId). */
export type SmsMessage = Omit<SinkRow, 'id' | 'sentAt'>;

/** Where SMS go. A provider throws to ask for a retry. */
export interface SmsProvider {
  readonly name: string;
  send(msg: SmsMessage): Promise<void>;
  /**
   * Optional: deliver a pass's messages, in order, in one request. A throw sends the pass again one
   * message at a time (so each gets its own outcome); a provider must therefore deduplicate by
   * outbox id, as the sink does.
   */
  sendAll?(msgs: readonly SmsMessage[]): Promise<void>;
}

/** A message as the local sink keeps it. */
export const sinkRowOf = (m: SmsMessage, sentAt: string): Omit<SinkRow, 'id'> => ({ ...m, sentAt });

/** Local sink for development and tests: a table, at most one row per outbox row. */
export class SinkSmsProvider implements SmsProvider {
  readonly name = 'sink';
  constructor(
    private readonly citizens: CitizenStorePort,
    private readonly clock: Clock,
  ) {}
  async send(m: SmsMessage): Promise<void> {
    await this.sendAll([m]);
  }
  async sendAll(msgs: readonly SmsMessage[]): Promise<void> {
    const sentAt = this.clock.now().toISOString();
    await this.citizens.sinkPut(msgs.map((m) => sinkRowOf(m, sentAt)));
  }
}

export interface HttpSmsGatewayConfig {
  /** The gateway's send endpoint, e.g. your provider's or an internal SMS relay's URL. */
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
  /** Registered signature (签名), e.g. 锡林浩特城管. */
  signName: string;
  /** Template id (模板编号) per `kind.lang`, e.g. { "dispatched.zh": "SMS_2918…" }; falls back to `kind.zh`. */
  templates: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A real HTTP gateway in the shape Chinese SMS providers take: phone, signature, template id and
 * template parameters as JSON, plus `outId` (the outbox row) for deduplication on the provider side.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';
  constructor(
    private readonly config: HttpSmsGatewayConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}
  async send(m: SmsMessage): Promise<void> {
    const res = await this.fetchImpl(this.config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.config.token ? { authorization: `Bearer ${this.config.token}` } : {}),
      },
      body: JSON.stringify({
        phoneNumbers: m.phone,
        signName: this.config.signName,
        templateCode: m.templateId,
        templateParam: JSON.stringify(m.params),
        outId: String(m.outboxId),
      }),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
  templateFor(kind: string, lang: string): string {
    return (
      this.config.templates[`${kind}.${lang}`] ?? this.config.templates[`${kind}.zh`] ?? `${kind}.${lang}`
    );
  }
}

export interface SenderOptions {
  batch?: number;
  /** How long a claimed row is held by this sender before another may try it. */
  lockMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /**
   * How long a kick waits before its pass, so that one pass (a claim, the sink, the outcomes: three
   * durable writes) serves the messages of every commit in that time instead of one pass each.
   */
  kickDelayMs?: number;
}

/** Exponential backoff: base·2^(attempt−1), capped. */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers the outbox. A row is marked sent only after the provider accepted it; a failure is
 * retried with backoff until `maxAttempts`, then kept as `failed`. After a crash between a send and
 * its mark, the row is sent again with the same `outboxId` (the sink and providers deduplicate on it).
 */
export class NotificationSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private kicked = false;
  /** Set by stop(): no pass starts after it (what is queued waits in the outbox for the next start). */
  private stopped = false;
  private readonly o: Required<SenderOptions>;
  /** Passes run (each claims up to `batch` due messages), for tests and benchmarks. */
  readonly stats = { passes: 0 };

  constructor(
    private readonly citizens: CitizenStorePort,
    private readonly provider: SmsProvider,
    private readonly clock: Clock,
    opts: SenderOptions = {},
  ) {
    this.o = {
      batch: 100,
      lockMs: 60_000,
      baseDelayMs: 5_000,
      maxDelayMs: 3_600_000,
      maxAttempts: 10,
      pollMs: 2_000,
      kickDelayMs: 250,
      ...opts,
    };
  }

  private templateId(r: OutboxRow): string {
    return this.provider instanceof HttpSmsProvider
      ? this.provider.templateFor(r.kind, r.lang)
      : `${r.kind}.${r.lang}`;
  }

  /** Send what is due now; resolves with the number delivered. Runs one pass at a time. */
  runOnce(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    this.stats.passes++;
    const now = this.clock.now();
    const rows = await this.citizens.claimDue(
      now.toISOString(),
      new Date(now.getTime() + this.o.lockMs).toISOString(),
      this.o.batch,
    );
    const messageOf = (r: OutboxRow): SmsMessage => ({
      outboxId: r.id,
      phone: r.phone,
      lang: r.lang,
      kind: r.kind,
      templateId: this.templateId(r),
      params: r.params,
      text: renderSms(r.kind, r.lang, r.params),
    });
    // in outbox order: a citizen reads "received" before "dispatched"
    const outcomes: OutboxOutcome[] = [];
    // the whole pass in one call when the provider can; if that fails, one at a time below
    const sentAll =
      this.provider.sendAll !== undefined &&
      rows.length > 0 &&
      (await this.provider.sendAll(rows.map(messageOf)).then(
        () => true,
        () => false,
      ));
    if (sentAll) {
      const at = this.clock.now().toISOString();
      outcomes.push(...rows.map((r) => ({ id: r.id, sent: true as const, at })));
    }
    for (const r of sentAll ? [] : rows) {
      try {
        await this.provider.send(messageOf(r));
        outcomes.push({ id: r.id, sent: true, at: this.clock.now().toISOString() });
      } catch (e) {
        const attempt = r.attempts + 1;
        outcomes.push({
          id: r.id,
          sent: false,
          error: e instanceof Error ? e.message : String(e),
          nextAttemptAt: new Date(
            this.clock.now().getTime() + backoffMs(attempt, this.o.baseDelayMs, this.o.maxDelayMs),
          ).toISOString(),
          giveUp: attempt >= this.o.maxAttempts,
        });
      }
    }
    // the pass's marks in one write; a crash before it sends these rows again with the same outbox id
    await this.citizens.recordOutcomes(outcomes);
    // a full batch may have left due messages behind: another pass soon, not at the next poll
    if (rows.length === this.o.batch) this.kick();
    return outcomes.filter((o) => o.sent).length;
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(
      () => void this.runOnce().catch((e: unknown) => console.error('SMS sender:', e)),
      this.o.pollMs,
    );
    this.timer.unref();
  }

  /**
   * Ask for a pass soon (after a commit that queued messages): after `kickDelayMs`, so that the
   * kicks of many commits become one pass. Kicks that arrive while a pass runs become one more pass
   * after it, so a message queued meanwhile does not wait for the poll.
   */
  kick(): void {
    if (this.kicked || this.stopped) return;
    this.kicked = true;
    setTimeout(() => {
      const pass = async () => {
        this.kicked = false;
        return this.stopped ? 0 : this.runOnce();
      };
      (this.running ? this.running.then(pass) : pass()).catch((e: unknown) =>
        console.error('SMS sender:', e),
      );
    }, this.o.kickDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
