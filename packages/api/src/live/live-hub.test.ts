import { describe, expect, it } from 'vitest';
import type { CaseRecord, StoredCaseEvent } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import { CaseBus, toLiveEvent, type CaseSummary, type LiveCaseEvent } from './case-bus.ts';
import { LiveHub, readBacklog, type LiveEventLog } from './live-hub.ts';

/** A stored `report` event of a case. */
const reportEvent = (id: number, caseNumber: string): StoredCaseEvent => ({
  id,
  caseId: Number(caseNumber.slice(-4)),
  caseNumber,
  seq: 1,
  type: 'report',
  actorUserId: null,
  actorRole: 'operator',
  actorName: 'x',
  actorUnitCode: null,
  at: '2026-12-02T00:00:00.000Z',
  fromState: null,
  toState: 'reported',
  reason: null,
  note: null,
  attachments: [],
  action: { type: 'report' },
});

/** An event log in memory: `n` events on 10 cases. */
function fakeCases(n: number): LiveEventLog {
  const events = Array.from({ length: n }, (_, i) =>
    reportEvent(i + 1, `20261202-${String(i % 10).padStart(4, '0')}`),
  );
  const record = (id: number): Pick<CaseRecord, keyof CaseSummary | 'id'> => ({
    id,
    caseNumber: `20261202-${String(id).padStart(4, '0')}`,
    state: 'reported',
    version: 1,
    unitCode: null,
    lat: null,
    lng: null,
    cellCode: null,
    communityCode: null,
    minorClassCode: 'C0302',
    hotlineCategory: 'x',
    urgency: 'normal',
    reportedAt: '',
    dispatchedAt: null,
    dueAt: null,
    limitUnit: 'hour',
    description: 'd',
  });
  return {
    listEventsAfter: async (after: number, limit = 1000) =>
      events.filter((e) => e.id > after).slice(0, limit),
    getRecordsById: async (ids: readonly number[]) => ids.filter((id) => id < 10).map(record),
    lastEventId: async () => n,
  };
}

describe('readBacklog (the event-log read of a resuming live stream)', () => {
  it('yields every event after the position, in order', async () => {
    const ids: number[] = [];
    for await (const e of readBacklog(fakeCases(2500), 100, 1000)) ids.push(e.id);
    expect(ids).toEqual(Array.from({ length: 2400 }, (_, i) => i + 101));
  });

  it('lets the event loop run between pages, so a long backlog does not stall intake', async () => {
    // stands for pending I/O (an intake request waiting to be read): it runs only when the loop turns
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    let pagesSeenWithoutTick = 0;
    let lastTicks = -1;
    let n = 0;
    for await (const e of readBacklog(fakeCases(5000), 0, 500)) {
      n++;
      // at the first event of each page after the first, the loop must have turned at least once
      if (e.id % 500 === 1 && e.id > 1) {
        if (ticks === lastTicks) pagesSeenWithoutTick++;
        lastTicks = ticks;
      }
    }
    running = false;
    expect(n).toBe(5000);
    expect(pagesSeenWithoutTick).toBe(0);
  });
});

describe('LiveHub fan-out', () => {
  const user = {
    id: 1,
    username: 'sup',
    displayName: 's',
    role: 'supervisor',
    unitCode: null,
  } as SessionUser;
  const ev = (id: number): LiveCaseEvent =>
    toLiveEvent(reportEvent(id, 'c'), {
      caseNumber: 'c',
      state: 'reported',
      version: 1,
      unitCode: null,
      lat: null,
      lng: null,
      cellCode: null,
      communityCode: null,
      minorClassCode: 'C0302',
      hotlineCategory: 'x',
      urgency: 'normal',
      reportedAt: '',
      dispatchedAt: null,
      dueAt: null,
      limitUnit: 'hour',
      description: 'd',
    });
  const turn = () => new Promise<void>((r) => setImmediate(r));

  it('writes the first events after a quiet interval at once and gathers those of the following turns within the interval into one write', async () => {
    const bus = new CaseBus();
    const cases: LiveEventLog = {
      listEventsAfter: async () => [],
      getRecordsById: async () => [],
      lastEventId: async () => 0,
    };
    const hub = new LiveHub(bus, cases, 60_000);
    const writes: string[] = [];
    await hub.connect(
      { write: (s) => (writes.push(Buffer.from(s).toString()), true), buffered: 0, close: () => undefined },
      user,
      null,
    );
    writes.length = 0;
    // one intake's two events in one publish, then three more intakes in three turns of the loop
    bus.publish([ev(1), ev(2)]);
    await turn();
    expect(writes.map((w) => w.match(/^id: \d+$/gm))).toEqual([['id: 1', 'id: 2']]);
    for (let i = 3; i <= 5; i++) {
      bus.publish([ev(i)]);
      await turn();
    }
    expect(writes).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    hub.close();
    expect(writes.map((w) => w.match(/^id: \d+$/gm))).toEqual([
      ['id: 1', 'id: 2'],
      ['id: 3', 'id: 4', 'id: 5'],
    ]);
  });
});
