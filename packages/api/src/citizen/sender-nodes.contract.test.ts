import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CitizenStore,
  contractBackends,
  pgEnqueueOutbox,
  PgCitizenStore,
  type CitizenStorePort,
  type NewOutboxEntry,
} from '@citygrid/db';
import { NotificationSender, type SmsMessage, type SmsProvider } from './notifications.ts';

/*
 * Two senders on two connections of one database (two nodes, each running its own sender) deliver
 * every queued message exactly once between them, on either backend.
 */

interface Opened {
  node1: CitizenStorePort;
  node2: CitizenStorePort;
  enqueue(entries: readonly NewOutboxEntry[]): Promise<void>;
  close(): Promise<void>;
}

const backends = contractBackends('senders');

async function open(backend: 'sqlite' | 'postgres'): Promise<Opened> {
  const d = await backends.open(backend);
  if (d.backend === 'sqlite') {
    const node1 = new CitizenStore(d.a);
    return {
      node1,
      node2: new CitizenStore(d.b),
      enqueue: async (entries) => entries.forEach((e) => node1.enqueueNow(e)),
      close: d.close,
    };
  }
  return {
    node1: new PgCitizenStore(d.a),
    node2: new PgCitizenStore(d.b),
    enqueue: (entries) => pgEnqueueOutbox(d.a.sql, entries),
    close: d.close,
  };
}

beforeAll(() => backends.start());
afterAll(() => backends.stop());

/** A gateway that takes a little time per message and counts what it was given. */
class CountingGateway implements SmsProvider {
  readonly name = 'counting';
  readonly sends: SmsMessage[] = [];
  async send(m: SmsMessage): Promise<void> {
    await new Promise((r) => setTimeout(r, 2));
    this.sends.push(m);
  }
}

describe.each(backends.names)('senders on two nodes (%s)', (backend) => {
  let db: Opened;
  beforeEach(async () => {
    db = await open(backend);
  });
  afterEach(async () => {
    await db.close();
  });

  it('deliver each queued message exactly once between them', async () => {
    const at = '2026-11-24T02:00:00.000Z';
    await db.enqueue(
      Array.from({ length: 60 }, (_, i) => ({
        caseId: 1 + (i % 7),
        eventId: i + 1,
        kind: 'dispatched',
        phone: `139${String(i).padStart(8, '0')}`,
        lang: 'zh',
        params: { code: `C${i}`, url: '', unit: '环卫' },
        at,
      })),
    );
    const clock = { now: () => new Date('2026-11-24T02:00:01.000Z') };
    const gateway = new CountingGateway();
    const senders = [db.node1, db.node2].map((s) => new NotificationSender(s, gateway, clock, { batch: 8 }));
    // every pass of both nodes at once, until neither finds anything due
    for (;;) {
      const delivered = await Promise.all(senders.flatMap((s) => [s.runOnce(), s.runOnce()]));
      if (delivered.every((n) => n === 0)) break;
    }
    await Promise.all(senders.map((s) => s.stop())); // a full batch asked for another pass: none after this
    const ids = gateway.sends.map((m) => m.outboxId);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    const rows = [1, 2, 3, 4, 5, 6, 7].map((c) => db.node2.outboxOf(c));
    const all = (await Promise.all(rows)).flat();
    expect(all).toHaveLength(60);
    expect(all.every((r) => r.status === 'sent' && r.attempts === 1 && r.lockedUntil === null)).toBe(true);
  });
});
