import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY_CENTRE, loginMany, startTestServer, type Session, type TestServer } from './testing/index.ts';

/** Errors carry a code and its figures, so the web app can say what is wrong in the person's language. */
let server: TestServer;
let operator: Session;
let unit09: Session;

beforeAll(async () => {
  server = await startTestServer();
  [operator, unit09] = await loginMany(server, ['operator', 'unit-u09'] as const);
});
afterAll(async () => server?.stop());

async function post(s: Session, path: string, input: unknown) {
  const res = await fetch(`${server.url}/api/trpc/${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as {
    error: {
      json: { data: { fields: Array<{ field: string; code: string; params: Record<string, unknown> }> } };
    };
  };
  return { status: res.status, fields: body.error.json.data.fields };
}

describe('coded field errors', () => {
  it('a 6,000-character description is refused as too long, with the maximum', async () => {
    const r = await post(operator, 'intake.create', {
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '长'.repeat(6000),
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(r.status).toBe(400);
    expect(r.fields).toEqual([
      expect.objectContaining({
        field: 'description',
        code: 'too_big',
        params: expect.objectContaining({ maximum: 4000, origin: 'string' }),
      }),
    ]);
  });

  it('a one-character reason is refused as too short, with the minimum', async () => {
    const r = await post(unit09, 'cases.act', {
      caseNumber: '20260101-0001',
      expectedVersion: 1,
      action: { type: 'request_return', reason: 'x' },
    });
    expect(r.fields).toEqual([
      expect.objectContaining({
        field: 'action.reason',
        code: 'too_small',
        params: expect.objectContaining({ minimum: 2 }),
      }),
    ]);
  });

  it('a file that is not an image is refused with a coded reason', async () => {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { cookie: unit09.cookie, 'x-csrf-token': unit09.csrf, 'content-type': 'text/plain' },
      body: 'not a picture',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: {
        code: string;
        fields: Array<{ field: string; code: string; params: Record<string, unknown> }>;
      };
    };
    expect(body.error.fields).toEqual([
      { field: 'file', code: 'BAD_INPUT', message: expect.any(String), params: { reason: 'not_image' } },
    ]);
  });
});
