import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, ReferenceStore, type CitygridDatabase } from '@citygrid/db';
import { createServices, type Services } from '../compose.ts';
import { seedReferenceData } from '../seed/index.ts';
import type { SessionUser } from '../session-user.ts';
import type { SmsMessage, SmsProvider } from './notifications.ts';

const OPERATOR = {
  id: 1,
  username: 'op',
  displayName: '话务员',
  role: 'operator',
  unitCode: null,
} as unknown as SessionUser;

const call = (phone: string) => ({
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description: '垃圾箱满溢，周边有异味',
  urgency: 'normal' as const,
  location: { lat: 43.934, lng: 116.086 },
  callerPhone: phone,
});

/** A gateway that takes `delayMs` per message and remembers what it was given, in order. */
class SlowGateway implements SmsProvider {
  readonly name = 'slow';
  readonly delivered: Array<SmsMessage & { at: number }> = [];
  started = 0;
  constructor(private readonly delayMs: number) {}
  async send(m: SmsMessage): Promise<void> {
    this.started++;
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.delivered.push({ ...m, at: Date.now() });
  }
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

let dir: string | null = null;
let database: CitygridDatabase | null = null;
let services: Services | null = null;
afterEach(async () => {
  await services?.close();
  database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
  database = null;
  services = null;
});

async function open(gateway: SmsProvider): Promise<Services> {
  dir = mkdtempSync(join(tmpdir(), 'citygrid-sms-'));
  database = openDatabase(join(dir, 'city.db'));
  await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
  // the poll stays off (the sender is never started): only commits' kicks move the outbox
  services = await createServices({ database, citizen: { smsProvider: gateway } });
  return services;
}

describe('the SMS sender after commits', () => {
  it('delivers a message queued while a pass is sending without waiting for the poll, and marks every row sent once', async () => {
    const gateway = new SlowGateway(200);
    const s = await open(gateway);
    const first = await s.cases.intake(call('13900000001'), OPERATOR);
    expect(await until(() => gateway.started > 0, 2_000)).toBe(true);
    // the first pass is still sending: this commit's kick arrives while it runs
    const second = await s.cases.intake(call('13900000002'), OPERATOR);
    expect(gateway.delivered).toHaveLength(0);
    const both = await until(() => gateway.delivered.length === 2, 1_500);
    expect(both, `delivered: ${gateway.delivered.map((d) => `${d.phone}/${d.kind}`).join(', ')}`).toBe(true);
    // a hotline caller is texted when the call is dispatched (automatic for this class)
    expect(gateway.delivered.map((d) => [d.phone, d.kind])).toEqual([
      ['13900000001', 'dispatched'],
      ['13900000002', 'dispatched'],
    ]);
    const outbox = async (caseNumber: string) => {
      const { id } = s
        .database!.sqlite.prepare('select id from cases where case_number = ?')
        .get(caseNumber) as { id: number };
      return s.citizen.store.outboxOf(id);
    };
    await until(
      async () =>
        (await Promise.all([first, second].map((c) => outbox(c.caseNumber)))).every((rows) =>
          rows.every((r) => r.status === 'sent'),
        ),
      1_000,
    );
    for (const c of [first, second])
      expect((await outbox(c.caseNumber)).map((r) => [r.kind, r.status, r.attempts])).toEqual([
        ['dispatched', 'sent', 1],
      ]);
  });

  it('sends nothing once stopped: a commit right after close() starts no pass over a closing database', async () => {
    const gateway = new SlowGateway(0);
    const s = await open(gateway);
    await s.cases.intake(call('13900000003'), OPERATOR);
    expect(await until(() => gateway.delivered.length === 1, 2_000)).toBe(true);
    await s.close();
    // a commit after the channel stopped (the server drains in-flight writes after closing streams)
    await s.cases.intake(call('13900000004'), OPERATOR);
    await new Promise((r) => setTimeout(r, 300));
    expect(gateway.started).toBe(1);
    // the message stays queued in the outbox for the next start, not lost
    const { id } = s
      .database!.sqlite.prepare("select id from cases where caller_phone = '13900000004'")
      .get() as { id: number };
    expect((await s.citizen.store.outboxOf(id)).map((r) => r.status)).toEqual(['pending']);
  });

  it('serves the messages of many commits in one pass: a burst of calls costs a few passes, not one each', async () => {
    const gateway = new SlowGateway(0);
    const s = await open(gateway);
    const phones = Array.from({ length: 30 }, (_, i) => `1390000${String(100 + i).padStart(4, '0')}`);
    await Promise.all(phones.map((p) => s.cases.intake(call(p), OPERATOR)));
    expect(await until(() => gateway.delivered.length === 30, 3_000)).toBe(true);
    // every caller texted once; the 30 commits' kicks were served by a few passes (each pass is three
    // durable writes: with a pass per commit, 90 fsyncs for 30 texts)
    expect(new Set(gateway.delivered.map((d) => d.phone))).toEqual(new Set(phones));
    expect(s.citizen.sender.stats.passes).toBeLessThanOrEqual(3);
  });

  it('hands a gateway that can take a batch the whole pass in one call, and falls back to one at a time when it fails', async () => {
    class BatchGateway extends SlowGateway {
      batches: number[] = [];
      failBatches = false;
      async sendAll(msgs: readonly SmsMessage[]): Promise<void> {
        this.batches.push(msgs.length);
        if (this.failBatches) throw new Error('batch endpoint down');
        for (const m of msgs) this.delivered.push({ ...m, at: Date.now() });
      }
    }
    const gateway = new BatchGateway(0);
    const s = await open(gateway);
    const phones = Array.from({ length: 12 }, (_, i) => `1390001${String(100 + i).padStart(4, '0')}`);
    await Promise.all(phones.slice(0, 6).map((p) => s.cases.intake(call(p), OPERATOR)));
    expect(await until(() => gateway.delivered.length === 6, 3_000)).toBe(true);
    expect(gateway.batches.length).toBeGreaterThan(0);
    expect(gateway.started).toBe(0);
    // outbox order within the pass: ids ascend
    const ids = gateway.delivered.map((d) => d.outboxId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    gateway.failBatches = true;
    await Promise.all(phones.slice(6).map((p) => s.cases.intake(call(p), OPERATOR)));
    expect(await until(() => gateway.delivered.length === 12, 3_000)).toBe(true);
    expect(gateway.started).toBeGreaterThan(0);
    expect(new Set(gateway.delivered.map((d) => d.phone))).toEqual(new Set(phones));
    expect(gateway.delivered).toHaveLength(12);
  });
});
