import type { CaseRecord } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import type { CaseService } from '../services/case-service.ts';
import { summarizeCase, toLiveEvent, type CaseBus, type LiveCaseEvent } from './case-bus.ts';

/** The sink of one SSE connection (an HTTP response). */
export interface LiveSink {
  /** Returns false when the socket's buffer is full. */
  write(chunk: string): boolean;
  /** Bytes queued in the socket not yet sent. */
  readonly buffered: number;
  close(): void;
}

interface Client {
  sink: LiveSink;
  unitScope: string | null;
  /** Highest event id written; later frames with ids at or below it are skipped. */
  last: number;
  /** Frames that arrived while the backlog was being written. */
  pending: LiveCaseEvent[] | null;
}

const MAX_BUFFERED = 4 * 1024 * 1024;
/** How long committed events are gathered before they are written to the live connections. */
export const LIVE_FLUSH_MS = 50;
export const frameOf = (e: LiveCaseEvent, json = JSON.stringify(e)) => `id: ${e.id}\ndata: ${json}\n\n`;

/**
 * Events after `afterId` as live events, page by page (the stream's backlog). The store's reads are
 * synchronous under their promises, so the loop is let run between pages: a map resuming after a
 * long gap must not hold up the intake requests waiting behind it.
 */
export async function* readBacklog(cases: CaseService, afterId: number, pageSize = 1000): AsyncGenerator<LiveCaseEvent> {
  let last = afterId;
  for (let pageNo = 0; ; pageNo++) {
    if (pageNo > 0) await new Promise<void>((r) => setImmediate(r));
    const page = await cases.listEventsAfter(last, pageSize);
    if (page.length === 0) return;
    const records = new Map<string, CaseRecord | null>();
    for (const e of page) {
      if (!records.has(e.caseNumber)) records.set(e.caseNumber, await cases.getRecord(e.caseNumber));
      last = e.id;
      const rec = records.get(e.caseNumber);
      if (rec) yield toLiveEvent(e, summarizeCase(rec));
    }
  }
}

/**
 * Server-sent events for dashboards at scale: each committed event is serialised ONCE and the same
 * frame is written to every connection (coalesced over `flushMs`, off the commit path), instead of one serialising
 * pipeline per subscriber. Resumable: a reconnecting EventSource sends `Last-Event-ID` and receives
 * the backlog from the event log first (the hub is subscribed before the backlog is read; ids are
 * deduplicated). A connection that cannot keep up is closed; it reconnects and resumes, losing nothing.
 */
export class LiveHub {
  private clients = new Set<Client>();
  private queue: LiveCaseEvent[] = [];
  private scheduled = false;
  private unsubscribe: () => void;
  private pingTimer: NodeJS.Timeout;
  readonly stats = { framesSerialised: 0, writes: 0, slowClosed: 0 };

  /**
   * @param flushMs events are gathered for this long before one write per connection: at 100 cases/s
   *   and 200 open maps, a write per commit was 20,000 socket writes a second, a third of the soak's
   *   CPU. A wall map does not need the event sooner than that.
   */
  constructor(
    bus: CaseBus,
    private readonly cases: CaseService,
    pingMs = 15_000,
    flushMs = LIVE_FLUSH_MS,
  ) {
    this.unsubscribe = bus.subscribe((e) => {
      this.queue.push(e);
      if (!this.scheduled) {
        this.scheduled = true;
        if (flushMs > 0) setTimeout(() => this.flush(), flushMs);
        else setImmediate(() => this.flush());
      }
    });
    this.pingTimer = setInterval(() => this.broadcastRaw(': ping\n\n'), pingMs);
    this.pingTimer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  private broadcastRaw(s: string) {
    for (const c of this.clients) if (c.pending === null) this.write(c, s);
  }

  private write(c: Client, s: string) {
    this.stats.writes++;
    c.sink.write(s);
    if (c.sink.buffered > MAX_BUFFERED) {
      this.stats.slowClosed++;
      this.drop(c);
    }
  }

  private drop(c: Client) {
    this.clients.delete(c);
    c.sink.close();
  }

  private flush() {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    const frames = events.map((e) => frameOf(e));
    this.stats.framesSerialised += frames.length;
    const all = frames.join('');
    const lastId = events[events.length - 1]!.id;
    const byUnit = new Map<string, string>();
    for (const c of this.clients) {
      if (c.pending !== null) {
        c.pending.push(...events);
        continue;
      }
      if (c.unitScope === null && events[0]!.id > c.last) {
        this.write(c, all);
      } else {
        let chunk = c.unitScope === null ? undefined : byUnit.get(c.unitScope);
        if (chunk === undefined) {
          chunk = events
            .map((e, i) => (e.id > c.last && (c.unitScope === null || e.case.unitCode === c.unitScope) ? frames[i]! : ''))
            .join('');
          if (c.unitScope !== null && events[0]!.id > c.last) byUnit.set(c.unitScope, chunk);
        }
        if (chunk) this.write(c, chunk);
      }
      c.last = Math.max(c.last, lastId);
    }
  }

  /** Attach a connection; resolves once its backlog has been written and it is live. */
  async connect(sink: LiveSink, user: SessionUser, lastEventId: number | null): Promise<() => void> {
    const client: Client = { sink, unitScope: user.role === 'unit_staff' ? user.unitCode : null, last: 0, pending: [] };
    this.clients.add(client);
    const detach = () => this.clients.delete(client);
    sink.write('retry: 1000\n: connected\n\n');
    let last = lastEventId ?? (await this.cases.caseStore.lastEventId());
    if (lastEventId !== null) {
      let batch = '';
      for await (const e of readBacklog(this.cases, lastEventId)) {
        last = e.id;
        if (client.unitScope === null || e.case.unitCode === client.unitScope) batch += frameOf(e);
        if (batch.length > 64 * 1024) {
          sink.write(batch);
          batch = '';
        }
        if (!this.clients.has(client)) return detach;
      }
      if (batch) sink.write(batch);
    }
    const pending = client.pending ?? [];
    client.pending = null;
    client.last = last;
    const rest = pending.filter((e) => e.id > last && (client.unitScope === null || e.case.unitCode === client.unitScope));
    if (rest.length) {
      sink.write(rest.map((e) => frameOf(e)).join(''));
      client.last = rest[rest.length - 1]!.id;
    }
    return detach;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.pingTimer);
    for (const c of this.clients) c.sink.close();
    this.clients.clear();
  }
}
