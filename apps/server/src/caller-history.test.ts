import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CITY_CENTRE,
  errorOf,
  loginAs,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';

/** The operator sees a caller's earlier cases however the number was written, on a real server. */
let server: TestServer;
let operator: Session;

beforeAll(async () => {
  server = await startTestServer();
  operator = await loginAs(server, 'operator');
});
afterAll(async () => server?.stop());

const intake = (callerPhone: string, description: string) =>
  operator.client.intake.create.mutate({
    callerPhone,
    nature: 'complaint',
    minorClassCode: 'C0302',
    description,
    urgency: 'normal',
    location: CITY_CENTRE,
  });

const historyOf = async (phone: string) =>
  (await operator.client.intake.callerHistory.query({ phone })).map((h) => h.caseNumber);

const caseCount = () =>
  (server.services.database!.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n;

describe('caller history finds the same caller however the number is written', () => {
  it('finds a case filed with "138 0000 0001" for "13800000001" and "+86 138-0000-0001"', async () => {
    const filed = await intake('138 0000 0001', '垃圾箱满了没人清');
    expect(await historyOf('13800000001')).toContain(filed.caseNumber);
    expect(await historyOf('+86 138-0000-0001')).toContain(filed.caseNumber);
    expect(await historyOf('0086 138 0000 0001')).toContain(filed.caseNumber);
  });

  it('finds a Xilinhot landline filed without the area code when asked with 0479', async () => {
    const filed = await intake('822 1234', '门口垃圾箱坏了');
    expect(await historyOf('0479-8221234')).toContain(filed.caseNumber);
    expect(await historyOf('8221234')).toContain(filed.caseNumber);
  });

  it('refuses an impossible number, naming the callerPhone field, and stores nothing', async () => {
    const before = caseCount();
    const e = await errorOf(intake('0000000', '垃圾箱满了'));
    expect(e.httpStatus).toBe(400);
    expect(e.fields.map((f) => f.field)).toEqual(['callerPhone']);
    expect(e.message).toContain('callerPhone');
    expect(caseCount()).toBe(before);
  });

  it('refuses an impossible number in the history lookup, naming the phone field', async () => {
    const e = await errorOf(historyOf('1390000000'));
    expect(e.httpStatus).toBe(400);
    expect(e.fields.map((f) => f.field)).toEqual(['phone']);
  });

  it('stores the number from Open311 in the same form, so the hotline finds the caller', async () => {
    const form = new URLSearchParams({
      api_key: 'test-key',
      service_code: 'C0302',
      lat: String(CITY_CENTRE.lat),
      long: String(CITY_CENTRE.lng),
      description: '垃圾箱满溢',
      phone: '+86 (139) 4790-0002',
    });
    const res = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(res.status).toBe(200);
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    expect(await historyOf('139 4790 0002')).toContain(created!.service_request_id);

    const bad = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(form), phone: '0000000' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('phone');
  });
});
