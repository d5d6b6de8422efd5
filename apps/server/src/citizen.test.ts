import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcj02ToWgs84, wgs84ToGcj02 } from '@citygrid/domain';
import { hasExif, NotificationSender, sinkRowOf, ZCitizenReportSchema, type SmsMessage } from '@citygrid/api';
import { CITY_CENTRE, loginMany, startTestServer, type Session, type TestServer } from './testing/index.ts';

/**
 * The citizen channel (网上举报) over real HTTP on a real database: reports enter the loop at
 * verify, the public timeline, photos without location metadata, limits, and the SMS outbox.
 */
let server: TestServer;
let lead: Session;
let unit: Session;

beforeAll(async () => {
  server = await startTestServer({
    CITIZEN_REPORTS_PER_PHONE_PER_DAY: 2,
    CITIZEN_REPORTS_PER_IP_PER_HOUR: 50,
  });
  [lead, unit] = await loginMany(server, ['lead', 'unit-u09'] as const);
});
afterAll(async () => {
  await server?.stop();
});

let keySeq = 0;
const newKey = () => `test-key-${Date.now()}-${keySeq++}-abcdef`;

async function call(method: string, path: string, body?: unknown, raw?: Uint8Array) {
  const res = await fetch(`${server.url}/api/citizen${path}`, {
    method,
    headers: raw
      ? { 'content-type': 'application/octet-stream' }
      : body
        ? { 'content-type': 'application/json' }
        : {},
    body: raw ? Buffer.from(raw) : body ? JSON.stringify(body) : null,
  });
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status, // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in assertions
    json: type.includes('json') ? ((await res.json()) as Record<string, any>) : null,
    bytes: type.startsWith('image/') ? new Uint8Array(await res.arrayBuffer()) : null,
  };
}

/** A minimal JPEG whose APP1 segment carries EXIF with a GPS position. */
function jpegWithExif(): Uint8Array {
  const seg = (marker: number, payload: number[]) => [
    0xff,
    marker,
    (payload.length + 2) >> 8,
    (payload.length + 2) & 0xff,
    ...payload,
  ];
  const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
  return new Uint8Array([
    0xff,
    0xd8,
    ...seg(0xe0, [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...seg(0xe1, [...ascii('Exif\0\0'), ...ascii('MM\0*GPSLatitude 43.934 GPSLongitude 116.086')]),
    ...seg(0xfe, ascii('taken at home')),
    ...seg(0xda, [1, 1, 0, 0, 63, 0]),
    0x12,
    0x34,
    0x56,
    0x78,
    0xff,
    0xd9,
  ]);
}

const report = (over: Record<string, unknown> = {}) => ({
  idempotencyKey: newKey(),
  lang: 'zh',
  minorClassCode: 'C0302',
  description: '小区门口垃圾箱满溢',
  location: { ...CITY_CENTRE, coordSystem: 'wgs84' },
  phone: null,
  publicOk: true,
  photos: [],
  ...over,
});

describe('a citizen report enters the standard loop at verify', () => {
  it('converts a GCJ-02 location with the hotline intake conversion and stores WGS84', async () => {
    const gcj = wgs84ToGcj02(CITY_CENTRE);
    const r = await call('POST', '/reports', report({ location: { ...gcj, coordSystem: 'gcj02' } }));
    expect(r.status).toBe(201);
    expect(r.json!.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    const row = (await server.services.citizen.store.reportByCode(r.json!.trackingCode as string))!;
    const record = (await server.services.cases.getRecordById(row.caseId))!;
    const expected = gcj02ToWgs84(gcj);
    expect(record).toMatchObject({
      state: 'reported',
      source: 'online',
      lat: expected.lat,
      lng: expected.lng,
    });
    expect(record.cellCode).toMatch(/^152502\d{8}$/);
    expect(row.coordSystem).toBe('gcj02');
    // the tracking code is not the case number
    expect(r.json!.trackingCode).not.toContain(record.caseNumber.replace('-', ''));
  });

  it('returns the same tracking code and creates one case when the same submission is retried', async () => {
    const body = report();
    const before = (await server.services.cases.count({})) as number;
    const [a, b] = await Promise.all([call('POST', '/reports', body), call('POST', '/reports', body)]);
    const c = await call('POST', '/reports', body);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.json!.trackingCode, b.json!.trackingCode, c.json!.trackingCode]).size).toBe(1);
    expect(await server.services.cases.count({})).toBe(before + 1);
  });

  it('refuses bad input naming the field', async () => {
    const r = await call('POST', '/reports', report({ phone: '12345' }));
    expect(r.status).toBe(400);
    expect(r.json!.error).toMatchObject({ code: 'BAD_INPUT', field: 'phone' });
    const c = await call('POST', '/reports', report({ minorClassCode: 'C9999' }));
    expect(c.status).toBe(400);
  });

  it('limits reports per phone number with a clear refusal', async () => {
    const phone = '13800000077';
    expect((await call('POST', '/reports', report({ phone }))).status).toBe(201);
    expect((await call('POST', '/reports', report({ phone }))).status).toBe(201);
    const third = await call('POST', '/reports', report({ phone }));
    expect(third.status).toBe(429);
    expect(third.json!.error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      reason: 'rate_limited_phone',
      field: 'phone',
    });
  });
});

describe('bad input on the public endpoints', () => {
  it('never answers 5xx to random bodies and paths, names a field on 400, and stores nothing', async () => {
    const before = await server.services.cases.count({});
    const valid = report();
    const mutate = fc.oneof(
      fc.anything(),
      fc.record(
        { ...Object.fromEntries(Object.keys(valid).map((k) => [k, fc.anything()])) },
        { requiredKeys: [] },
      ),
      fc
        .constantFrom(...Object.keys(valid))
        .chain((k) =>
          fc.anything().map((v) => ({ ...valid, idempotencyKey: 'fuzz-no-store-key-1', [k]: v })),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        mutate,
        fc.constantFrom('/reports', '/track/ABCDEFGHJKMN/rating', '/track/%ZZ', '/photos/x', '/catalog'),
        async (body, path) => {
          // a valid report is not bad input
          if (
            path === '/reports' &&
            ZCitizenReportSchema.safeParse(JSON.parse(JSON.stringify(body) ?? 'null')).success
          )
            return;
          const res = await fetch(`${server.url}/api/citizen${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body) ?? 'null',
          });
          expect(res.status).toBeLessThan(500);
          if (res.status === 400)
            expect(((await res.json()) as { error: { field: string | null } }).error.field).toBeTruthy();
          else await res.arrayBuffer();
        },
      ),
      { numRuns: 120 },
    );
    expect(await server.services.cases.count({})).toBe(before);
  });
});

describe('photos', () => {
  it('checks photos by their bytes, strips EXIF before storing, and refuses oversized uploads', async () => {
    const notImage = await call(
      'POST',
      '/photos',
      undefined,
      Buffer.from('GIF? no, a text file named photo.jpg'),
    );
    expect(notImage.status).toBe(400);
    expect(notImage.json!.error.reason).toBe('photo_type');
    const big = await call('POST', '/photos', undefined, new Uint8Array(5 * 1024 * 1024).fill(0xff));
    expect(big.status).toBe(413);
    expect(big.json!.error.reason).toBe('photo_too_large');

    const jpeg = jpegWithExif();
    expect(hasExif(jpeg)).toBe(true);
    const up = await call('POST', '/photos', undefined, jpeg);
    expect(up.status).toBe(201);
    const stored = await server.services.attachments.readUnchecked(up.json!.sha256 as string);
    expect(hasExif(stored!.bytes)).toBe(false);
    expect(Buffer.from(stored!.bytes).toString('latin1')).not.toContain('GPSLatitude');
    expect(Buffer.from(stored!.bytes).toString('latin1')).not.toContain('taken at home');
  });
});

describe('the public timeline, the rating as callback, and SMS in the citizen’s language', () => {
  it('follows a Mongolian report from received to rated, without staff names, and texts each step once in Mongolian', async () => {
    const phone = '13900000011';
    const created = await call('POST', '/reports', report({ lang: 'mn', phone }));
    const code = created.json!.trackingCode as string;
    const row = (await server.services.citizen.store.reportByCode(code))!;
    const caseNumber = (await server.services.cases.getRecordById(row.caseId))!.caseNumber;
    let v = 1;
    const act = async (s: Session, action: Record<string, unknown>) => {
      const view = await (
        s.client.cases.act.mutate as (i: unknown) => Promise<{ record: { version: number } }>
      )({ caseNumber, expectedVersion: v, action });
      v = view.record.version;
    };
    await act(lead, { type: 'verify', note: '现场核实属实' });
    await act(lead, { type: 'file' });
    await act(lead, { type: 'dispatch', unitCode: 'U09' });
    await act(unit, { type: 'accept' });
    // the unit's photo carries EXIF: the public must get it without
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { cookie: unit.cookie, 'x-csrf-token': unit.csrf },
      body: Buffer.from(jpegWithExif()),
    });
    const { sha256 } = (await res.json()) as { sha256: string };
    await act(unit, { type: 'report_disposal', note: '已清运', attachments: [sha256] });
    await act(lead, { type: 'close' });

    const t = await call('GET', `/track/${code.toLowerCase()}`);
    expect(t.status).toBe(200);
    expect(t.json!.steps.map((s: { type: string }) => s.type)).toEqual([
      'received',
      'verified',
      'filed',
      'dispatched',
      'accepted',
      'disposed',
      'closed',
    ]);
    expect(t.json!.steps[3].unit).toMatchObject({
      code: 'U09',
      name: server.services.reference.unit('U09').name,
    });
    expect(t.json!.canRate).toBe(true);
    const text = JSON.stringify(t.json);
    for (const u of await server.services.users.list()) expect(text).not.toContain(u.displayName);
    expect(text).not.toContain(phone);
    expect(text).not.toContain(caseNumber);

    const photo = await call('GET', `/track/${code}/photos/${sha256}`);
    expect(photo.status).toBe(200);
    expect(hasExif(photo.bytes!)).toBe(false);
    // a photo of another case is not reachable through this code
    expect((await call('GET', `/track/${code}/photos/${'0'.repeat(64)}`)).status).toBe(404);

    const rated = await call('POST', `/track/${code}/rating`, { satisfaction: 5 });
    expect(rated.status).toBe(200);
    expect(rated.json!.steps.at(-1)).toMatchObject({ type: 'rated', satisfaction: 5 });
    const record = (await server.services.cases.getRecordById(row.caseId))!;
    expect(record).toMatchObject({ state: 'callback_done', satisfaction: 5 });
    const events = await server.services.cases.listEvents({ id: row.caseId });
    expect(events.at(-1)).toMatchObject({ type: 'callback', actorRole: 'public' });
    const again = await call('POST', `/track/${code}/rating`, { satisfaction: 1 });
    expect(again.status).toBe(422);
    expect(again.json!.error.reason).toBe('not_ratable');

    await server.services.citizen.sender.runOnce();
    const sms = await server.services.citizen.store.sinkMessages(phone);
    expect(sms.map((m) => m.kind)).toEqual(['received', 'filed', 'dispatched', 'closed']);
    expect(sms.every((m) => m.lang === 'mn' && /[\u1820-\u18AF]/.test(m.text))).toBe(true);
    expect(sms[0]!.text).toContain(code);
    expect(sms[2]!.text).toContain(server.services.reference.unit('U09').name);
  });

  it('tells a rejected reporter the reason on the tracking page', async () => {
    const created = await call('POST', '/reports', report({ lang: 'zh', phone: '13900000022' }));
    const code = created.json!.trackingCode as string;
    const row = (await server.services.citizen.store.reportByCode(code))!;
    const caseNumber = (await server.services.cases.getRecordById(row.caseId))!.caseNumber;
    await lead.client.cases.act.mutate({
      caseNumber,
      expectedVersion: 1,
      action: { type: 'void', reason: '现场未发现该问题' },
    });
    const t = await call('GET', `/track/${code}`);
    expect(t.json!.status).toBe('rejected');
    expect(t.json!.steps.at(-1)).toMatchObject({ type: 'rejected', reason: '现场未发现该问题' });
    expect((await call('GET', '/track/ZZZZZZZZZZZZ')).status).toBe(404);
  });
});

describe('hotline callers', () => {
  it('texts a hotline caller who left a mobile number, in Chinese, when the call is dispatched and when the work is sent back for rework', async () => {
    const [operator] = await loginMany(server, ['operator'] as const);
    const phone = '13900000044';
    const created = await operator!.client.intake.create.mutate({
      callerPhone: phone,
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢（电话）',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(created.state).toBe('dispatched');
    let v = created.version;
    const act = async (s: Session, action: Record<string, unknown>) => {
      const view = await (
        s.client.cases.act.mutate as (i: unknown) => Promise<{ record: { version: number } }>
      )({ caseNumber: created.caseNumber, expectedVersion: v, action });
      v = view.record.version;
    };
    await act(unit, { type: 'accept' });
    await act(unit, { type: 'report_disposal', note: '已清理' });
    await act(lead, { type: 'rework', reason: '仍有垃圾' });
    await server.services.citizen.sender.runOnce();
    const sms = await server.services.citizen.store.sinkMessages(phone);
    expect(sms.map((m) => [m.kind, m.lang])).toEqual([
      ['dispatched', 'zh'],
      ['rework', 'zh'],
    ]);
    expect(sms[0]!.text).toContain(created.caseNumber);
    expect(sms[1]!.text).toContain('返工');
  });
});

describe('the SMS sender', () => {
  it('retries with backoff and delivers each message exactly once across a restart', async () => {
    const store = server.services.citizen.store;
    const created = await call('POST', '/reports', report({ phone: '13900000033' }));
    const row = (await store.reportByCode(created.json!.trackingCode as string))!;
    await server.services.citizen.sender.stop(); // the server's own sender stays out of this test
    await new Promise((r) => setTimeout(r, 50));
    const outbox = await store.outboxOf(row.caseId);
    // the server's sender may already have delivered it; put it back as a fresh row for this test
    server.services
      .database!.sqlite.prepare(
        "update notification_outbox set status = 'pending', attempts = 0, sent_at = null, locked_until = null, next_attempt_at = '2026-01-01T00:00:00.000Z' where case_id = ?",
      )
      .run(row.caseId);
    server.services.database!.sqlite.prepare('delete from sms_sink where outbox_id = ?').run(outbox[0]!.id);

    let now = Date.parse('2026-06-01T00:00:00Z');
    const clock = { now: () => new Date(now) };
    const delivered: SmsMessage[] = [];
    let failNext = 2;
    const flaky = {
      name: 'flaky',
      async send(m: SmsMessage) {
        if (failNext-- > 0) throw new Error('gateway timeout');
        delivered.push(m);
        await store.sinkPut([sinkRowOf(m, clock.now().toISOString())]);
      },
    };
    const sender = new NotificationSender(store, flaky, clock, { baseDelayMs: 1000, maxDelayMs: 60_000 });
    expect(await sender.runOnce()).toBe(0);
    expect((await store.outboxOf(row.caseId))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'gateway timeout',
    });
    expect(await sender.runOnce()).toBe(0); // not due yet: backoff
    now += 1000;
    expect(await sender.runOnce()).toBe(0);
    expect(Date.parse((await store.outboxOf(row.caseId))[0]!.nextAttemptAt) - now).toBe(2000);
    now += 2000;
    expect(await sender.runOnce()).toBe(1);
    expect((await store.outboxOf(row.caseId))[0]).toMatchObject({ status: 'sent', attempts: 3 });

    // a crash after the provider accepted but before the row was marked: the restarted sender
    // sends it again with the same outbox id, and the sink keeps one message
    server.services
      .database!.sqlite.prepare("update notification_outbox set status = 'pending' where case_id = ?")
      .run(row.caseId);
    const restarted = new NotificationSender(store, flaky, clock);
    now += 1;
    await restarted.runOnce();
    expect(delivered).toHaveLength(2);
    expect(new Set(delivered.map((d) => d.outboxId)).size).toBe(1);
    expect(await store.sinkMessages('13900000033')).toHaveLength(1);
    expect(await restarted.runOnce()).toBe(0);
    server.services.citizen.sender.start();
  });
});
