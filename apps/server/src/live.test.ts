import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveCaseEvent } from '@citygrid/api';
import { EventSource } from 'eventsource';
import { CITY_CENTRE, loginAs, startTestServer, type Session, type TestServer } from './testing/index.ts';

let server: TestServer;
let operator: Session;
let supervisor: Session;

const file = (desc: string) =>
  operator.client.intake.create.mutate({
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: desc,
    urgency: 'normal',
    location: CITY_CENTRE,
  });

/** Collect events from the live stream until `stop()`; returns what arrived, in order. */
function collect(s: Session, lastEventId?: number) {
  const got: LiveCaseEvent[] = [];
  const sub = s.client.live.onCaseEvent.subscribe(lastEventId === undefined ? undefined : { lastEventId }, {
    onData: (d) => got.push(d.data),
    onError: (e) => got.push({ error: String(e) } as never),
  });
  return { got, stop: () => sub.unsubscribe() };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  server = await startTestServer();
  operator = await loginAs(server, 'operator');
  supervisor = await loginAs(server, 'supervisor');
});
afterAll(async () => server?.stop());

describe('the live case stream', () => {
  it('delivers a new case to a watching supervisor, with monotonic ids', async () => {
    const live = collect(supervisor);
    await new Promise((r) => setTimeout(r, 300)); // let the stream open
    const created = await file('直播测试：新案件');
    await until(() => live.got.some((e) => e.caseNumber === created.caseNumber && e.type === 'dispatch'));
    const mine = live.got.filter((e) => e.caseNumber === created.caseNumber);
    expect(mine.map((e) => e.type)).toEqual(['report', 'file', 'dispatch']);
    expect(mine.at(-1)!.case).toMatchObject({ state: 'dispatched', unitCode: 'U09' });
    const ids = live.got.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    live.stop();
  });

  it('resumes after a disconnect with everything missed and nothing twice', async () => {
    const first = collect(supervisor);
    await new Promise((r) => setTimeout(r, 300));
    await file('断线前');
    await until(() => first.got.length >= 3);
    first.stop();
    const lastSeen = first.got.at(-1)!.id;

    // while disconnected
    const missed = [await file('断线期间一'), await file('断线期间二')];
    const second = collect(supervisor, lastSeen);
    await until(() =>
      missed.every((m) => second.got.some((e) => e.caseNumber === m.caseNumber && e.type === 'dispatch')),
    );
    const after = await file('重连之后');
    await until(() => second.got.some((e) => e.caseNumber === after.caseNumber && e.type === 'dispatch'));
    second.stop();

    const ids = second.got.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(lastSeen + 1);
    // exactly the database's sequence after lastSeen
    const db = server.services
      .database!.sqlite.prepare('select id from case_events where id > ? order by id')
      .all(lastSeen) as Array<{ id: number }>;
    expect(ids).toEqual(db.map((r) => r.id));
  });

  it('shows unit staff only their own unit’s events', async () => {
    const u12 = await loginAs(server, 'unit-u12');
    const live = collect(u12);
    await new Promise((r) => setTimeout(r, 300));
    await file('环卫中心的案件'); // routed to U09
    const water = await operator.client.intake.create.mutate({
      nature: 'report',
      minorClassCode: 'C0101',
      description: '上水井盖缺失',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    await until(() => live.got.some((e) => e.caseNumber === water.caseNumber && e.type === 'dispatch'));
    live.stop();
    expect(live.got.every((e) => e.case.unitCode === 'U12')).toBe(true);
  });
});

/** A browser-like EventSource on GET /api/live with the session cookie. */
function liveSource(s: Session, lastEventId?: number) {
  const got: LiveCaseEvent[] = [];
  const url = `${server.url}/api/live${lastEventId === undefined ? '' : `?lastEventId=${lastEventId}`}`;
  const es = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: s.cookie } }),
  });
  es.onmessage = (m) => got.push(JSON.parse(m.data as string) as LiveCaseEvent);
  const opened = new Promise<void>((r) => (es.onopen = () => r()));
  return { got, opened, close: () => es.close() };
}

describe('the shared-serialisation live stream (GET /api/live)', () => {
  it('streams committed events, resumes from a last id with nothing missed or doubled, and scopes unit staff', async () => {
    const a = liveSource(supervisor);
    await a.opened;
    const first = await file('共享流：第一件');
    await until(() => a.got.some((e) => e.caseNumber === first.caseNumber && e.type === 'dispatch'));
    a.close();
    const lastSeen = a.got.at(-1)!.id;
    const missed = await file('共享流：断线期间');
    const b = liveSource(supervisor, lastSeen);
    await b.opened;
    const later = await file('共享流：重连之后');
    await until(() => b.got.some((e) => e.caseNumber === later.caseNumber && e.type === 'dispatch'));
    b.close();
    const db = server.services
      .database!.sqlite.prepare('select id from case_events where id > ? order by id')
      .all(lastSeen) as Array<{ id: number }>;
    expect(b.got.map((e) => e.id)).toEqual(db.map((r) => r.id));
    expect(b.got.some((e) => e.caseNumber === missed.caseNumber)).toBe(true);

    const u12 = await loginAs(server, 'unit-u12');
    const c = liveSource(u12, lastSeen);
    await c.opened;
    const water = await operator.client.intake.create.mutate({
      nature: 'report',
      minorClassCode: 'C0101',
      description: '上水井盖缺失',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    await until(() => c.got.some((e) => e.caseNumber === water.caseNumber && e.type === 'dispatch'));
    c.close();
    expect(c.got.length).toBeGreaterThan(0);
    expect(c.got.every((e) => e.case.unitCode === 'U12')).toBe(true);
  });

  it('refuses a connection without a session', async () => {
    const res = await fetch(`${server.url}/api/live`);
    expect(res.status).toBe(401);
  });
});

describe('compression', () => {
  it('gzips large JSON but never an event stream', async () => {
    const boot = await fetch(`${server.url}/api/trpc/reference.bootstrap`, {
      headers: { cookie: supervisor.cookie, 'accept-encoding': 'gzip' },
    });
    expect(boot.status).toBe(200);
    expect(boot.headers.get('content-encoding')).toBe('gzip');
    await boot.arrayBuffer();
    const ctl = new AbortController();
    const live = await fetch(`${server.url}/api/live`, {
      headers: { cookie: supervisor.cookie, 'accept-encoding': 'gzip', accept: 'text/event-stream' },
      signal: ctl.signal,
    });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-encoding')).toBeNull();
    ctl.abort();
  });
});
