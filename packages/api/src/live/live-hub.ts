import { canSeeCase, unitScopeOf, type Viewer } from '@citygrid/domain';
import type { CaseRecord, StoredCaseEvent } from '@citygrid/db';
import { liveEventsOf, type CaseBus, type CaseSummary, type LiveCaseEvent } from './case-bus.ts';

/** The sink of one SSE connection (an HTTP response). */
export interface LiveSink {
  /**
   * Returns false when the socket's buffer is full. A flush hands every connection the same bytes
   * (encoded once, not once per socket).
   */
  write(chunk: string | Uint8Array): boolean;
  /** Bytes queued in the socket not yet sent. */
  readonly buffered: number;
  close(): void;
}

/** The reads of the event log the hub needs (`CaseService` answers them). */
export interface LiveEventLog {
  listEventsAfter(afterId: number, limit?: number): Promise<StoredCaseEvent[]>;
  /** The cases as they are now (what the live summary of an event shows), one read for a batch. */
  getRecordsById(ids: readonly number[]): Promise<Array<Pick<CaseRecord, keyof CaseSummary | 'id'>>>;
  lastEventId(): Promise<number>;
}

/** Where a connection's events go: SSE frames to a socket, or event objects to a typed subscriber (tRPC). */
type Output =
  | { kind: 'frames'; sink: LiveSink }
  | { kind: 'events'; push(events: readonly LiveCaseEvent[]): void; close(): void };

interface Client {
  out: Output;
  viewer: Viewer;
  /** The key of what this viewer may see (`unitScopeOf`): connections with the same key share one chunk per flush. */
  scope: string | null | undefined;
  /** Highest event id delivered; later events with ids at or below it are skipped. */
  last: number;
  /** Events that arrived while the backlog was being read. */
  pending: LiveCaseEvent[] | null;
}

const MAX_BUFFERED = 4 * 1024 * 1024;
/** At most one write per connection in this interval; events arriving meanwhile are gathered. */
export const LIVE_FLUSH_MS = 50;
export const frameOf = (e: LiveCaseEvent, json = JSON.stringify(e)) => `id: ${e.id}\ndata: ${json}\n\n`;

/**
 * Events after `afterId` as live events, page by page (the stream's backlog). The store's reads are
 * synchronous under their promises, so the loop is let run between pages: a map resuming after a
 * long gap must not hold up the intake requests waiting behind it.
 */
export async function* readBacklog(
  log: Pick<LiveEventLog, 'listEventsAfter' | 'getRecordsById'>,
  afterId: number,
  pageSize = 1000,
): AsyncGenerator<LiveCaseEvent> {
  let last = afterId;
  for (let pageNo = 0; ; pageNo++) {
    if (pageNo > 0) await new Promise<void>((r) => setImmediate(r));
    const page = await log.listEventsAfter(last, pageSize);
    if (page.length === 0) return;
    last = page[page.length - 1]!.id;
    yield* await liveEventsOf(log, page);
  }
}

/**
 * The one live pipeline. Each committed event is serialised ONCE and the same frame is written to
 * every SSE connection (`GET /api/live`, coalesced over `flushMs`, off the commit path); typed
 * subscribers (the tRPC subscription `live.onCaseEvent`) get the same events as objects from the
 * same flush. Unit staff get only their unit's events (the domain's `canSeeCase`). Resumable: a
 * reconnecting client sends its last event id and receives the backlog from the event log first (the
 * hub is subscribed before the backlog is read; ids are deduplicated). An SSE connection that cannot
 * keep up is closed; it reconnects and resumes, losing nothing.
 */
export class LiveHub {
  private clients = new Set<Client>();
  private queue: LiveCaseEvent[] = [];
  private scheduled = false;
  private unsubscribe: () => void;
  private pingTimer: NodeJS.Timeout;
  readonly stats = { framesSerialised: 0, writes: 0, slowClosed: 0 };

  /** When the last flush ran (performance.now()). */
  private lastFlushAt = -Infinity;

  /**
   * @param flushMs at most one write per connection in this interval: at 100 cases/s and 200 open
   *   maps, a write per commit was 20,000 socket writes a second, a third of the soak's CPU. The
   *   first events after a quiet interval go out at once (in the next turn of the loop, so one
   *   commit's events share a write); those that follow within the interval wait for its end. A
   *   fixed delay from the first event instead added 25 ms on average to every receipt.
   */
  constructor(
    bus: CaseBus,
    private readonly log: LiveEventLog,
    pingMs = 15_000,
    flushMs = LIVE_FLUSH_MS,
  ) {
    this.unsubscribe = bus.subscribe((e) => {
      this.queue.push(e);
      if (!this.scheduled) {
        this.scheduled = true;
        const wait = this.lastFlushAt + flushMs - performance.now();
        if (wait > 0) setTimeout(() => this.flush(), wait);
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
    for (const c of this.clients)
      if (c.pending === null && c.out.kind === 'frames') this.write(c, c.out.sink, s);
  }

  private write(c: Client, sink: LiveSink, s: string | Uint8Array) {
    this.stats.writes++;
    sink.write(s);
    if (sink.buffered > MAX_BUFFERED) {
      this.stats.slowClosed++;
      this.clients.delete(c);
      sink.close();
    }
  }

  private flush() {
    this.scheduled = false;
    this.lastFlushAt = performance.now();
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    const frames = events.map((e) => frameOf(e));
    this.stats.framesSerialised += frames.length;
    // UTF-8 once for every connection: a string would be encoded again for each socket
    const all = Buffer.from(frames.join(''));
    const lastId = events[events.length - 1]!.id;
    const byScope = new Map<string | null, Uint8Array>();
    for (const c of this.clients) {
      if (c.pending !== null) {
        c.pending.push(...events);
        continue;
      }
      const fresh = events[0]!.id > c.last;
      if (c.out.kind === 'events') {
        c.out.push(events.filter((e) => e.id > c.last && canSeeCase(c.viewer, e.case.unitCode)));
      } else if (c.scope === undefined && fresh) {
        this.write(c, c.out.sink, all);
      } else {
        let chunk = c.scope === undefined ? undefined : byScope.get(c.scope);
        if (chunk === undefined) {
          chunk = Buffer.from(
            events
              .map((e, i) => (e.id > c.last && canSeeCase(c.viewer, e.case.unitCode) ? frames[i]! : ''))
              .join(''),
          );
          if (c.scope !== undefined && fresh) byScope.set(c.scope, chunk);
        }
        if (chunk.length > 0) this.write(c, c.out.sink, chunk);
      }
      c.last = Math.max(c.last, lastId);
    }
  }

  /**
   * Register a connection and yield what it missed: the backlog after `lastEventId` (none without
   * one), then the events that arrived meanwhile. When it returns, the connection is live.
   */
  private async *catchUp(client: Client, lastEventId: number | null): AsyncGenerator<LiveCaseEvent> {
    this.clients.add(client);
    let last = lastEventId ?? (await this.log.lastEventId());
    if (lastEventId !== null) {
      for await (const e of readBacklog(this.log, lastEventId)) {
        last = e.id;
        if (canSeeCase(client.viewer, e.case.unitCode)) yield e;
        if (!this.clients.has(client)) return;
      }
    }
    const rest = (client.pending ?? []).filter(
      (e) => e.id > last && canSeeCase(client.viewer, e.case.unitCode),
    );
    client.pending = null;
    client.last = Math.max(last, rest.at(-1)?.id ?? 0);
    yield* rest;
  }

  private client(out: Output, viewer: Viewer): Client {
    return { out, viewer, scope: unitScopeOf(viewer), last: 0, pending: [] };
  }

  /** Attach an SSE connection; resolves once its backlog has been written and it is live. */
  async connect(sink: LiveSink, viewer: Viewer, lastEventId: number | null): Promise<() => void> {
    const client = this.client({ kind: 'frames', sink }, viewer);
    const detach = () => this.clients.delete(client);
    sink.write('retry: 1000\n: connected\n\n');
    let batch = '';
    for await (const e of this.catchUp(client, lastEventId)) {
      batch += frameOf(e);
      if (batch.length > 64 * 1024) {
        sink.write(batch);
        batch = '';
      }
    }
    if (batch) sink.write(batch);
    return detach;
  }

  /**
   * The same stream as event objects, for a typed subscriber (the tRPC subscription): the backlog
   * after `lastEventId`, then every new event this viewer may see, until `signal` aborts or the hub closes.
   */
  async *subscribe(
    viewer: Viewer,
    lastEventId: number | null,
    signal?: AbortSignal,
  ): AsyncGenerator<LiveCaseEvent> {
    const queue: LiveCaseEvent[] = [];
    let closed = false;
    let wake: (() => void) | null = null;
    const client = this.client(
      {
        kind: 'events',
        push: (events) => {
          queue.push(...events);
          wake?.();
        },
        close: () => {
          closed = true;
          wake?.();
        },
      },
      viewer,
    );
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      for await (const e of this.catchUp(client, lastEventId)) {
        yield e;
        if (signal?.aborted) return;
      }
      while (!signal?.aborted && !closed) {
        while (queue.length > 0) {
          yield queue.shift()!;
          if (signal?.aborted) return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (queue.length > 0 || signal?.aborted || closed) resolve();
        });
        wake = null;
      }
    } finally {
      this.clients.delete(client);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The latest `limit` events, newest first (the wall's ticker when it loads; the stream continues from here). */
  async recent(limit: number): Promise<LiveCaseEvent[]> {
    const last = await this.log.lastEventId();
    const out: LiveCaseEvent[] = [];
    for await (const e of readBacklog(this.log, Math.max(0, last - limit), limit)) out.push(e);
    return out.reverse().slice(0, limit);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.pingTimer);
    for (const c of this.clients) {
      if (c.out.kind === 'frames') c.out.sink.close();
      else c.out.close();
    }
    this.clients.clear();
  }
}
