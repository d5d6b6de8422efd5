import type { CaseCoreStore } from '../stores/case-core.ts';
import type { StoredCaseEvent } from '../stores/case-types.ts';
import type { PgSql } from './client.ts';
import { EVENTS_CHANNEL } from './pg-case-store.ts';

/*
 * How a node learns of events another node committed: LISTEN on the events channel, and on every
 * notification (and on every (re)connect of the listening connection, and on a slow timer as a safety
 * net) read the event log after the last id delivered. The notification carries no event: the log is
 * the truth, read in id order, so a lost or coalesced notification only delays delivery until the
 * next one or the next poll, and nothing is delivered twice. Event ids commit in id order
 * (pg-case-store.ts, EVENT_APPEND_LOCK), so reading "after id N" never skips an event.
 */

export interface EventFollowerOptions {
  /** Deliver events with id greater than this (a client's Last-Event-ID, or the current last id). */
  afterId: number;
  /** Called with each batch in id order; the next batch waits for the returned promise. */
  onEvents: (events: StoredCaseEvent[]) => void | Promise<void>;
  /** Safety-net poll even without notifications (default 5,000 ms). */
  pollMs?: number;
  /** Events read per query (default 1,000). */
  batch?: number;
  onError?: (error: unknown) => void;
}

export class PgEventFollower {
  private cursor: number;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;
  /** Notifications received and catch-up reads made, for tests and metrics. */
  readonly stats = { notifications: 0, reads: 0 };

  constructor(
    private readonly sql: PgSql,
    private readonly store: Pick<CaseCoreStore, 'listEventsAfter'>,
    private readonly opts: EventFollowerOptions,
  ) {
    this.cursor = opts.afterId;
  }

  /** The last event id delivered. */
  get position(): number {
    return this.cursor;
  }

  /** LISTEN (resolves once listening), then catch up with whatever was committed before. */
  async start(): Promise<void> {
    const meta = await this.sql.listen(
      EVENTS_CHANNEL,
      () => {
        this.stats.notifications++;
        this.kick();
      },
      // runs on the first LISTEN and again after postgres.js reconnects and re-listens
      () => this.kick(),
    );
    this.unlisten = () => meta.unlisten();
    const pollMs = this.opts.pollMs ?? 5000;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
    await this.idle();
  }

  /** Resolves when no catch-up read is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
    await this.unlisten?.();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.catchUp()
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async catchUp(): Promise<void> {
    const batch = this.opts.batch ?? 1000;
    for (;;) {
      if (this.stopped) return;
      this.stats.reads++;
      const events = await this.store.listEventsAfter(this.cursor, batch);
      if (events.length === 0) return;
      await this.opts.onEvents(events);
      this.cursor = events[events.length - 1]!.id;
      if (events.length < batch) return;
    }
  }
}
