import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loginMany, CITY_CENTRE, startTestServer, type Session, type TestServer } from './testing/index.ts';

let server: TestServer;
let operator: Session;
let unit09: Session;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer();
  [operator, unit09, admin] = await loginMany(server, ['operator', 'unit-u09', 'admin'] as const);
});
afterAll(async () => server?.stop());

const VALID = {
  nature: 'complaint',
  minorClassCode: 'C0302',
  description: '垃圾箱破损',
  urgency: 'normal',
  location: CITY_CENTRE,
  callerPhone: '13800000000',
};

async function post(s: Session, path: string, input: unknown) {
  const res = await fetch(`${server.url}/api/trpc/${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as {
    error?: { json: { message: string; data: { fields: Array<{ field: string }> } } };
  };
  return { status: res.status, error: body.error?.json ?? null };
}

const snapshot = () =>
  server.services
    .database!.sqlite.prepare(
      "select (select count(*) from cases) || ':' || (select count(*) from case_events) || ':' || (select coalesce(sum(version), 0) from cases) as s",
    )
    .get() as { s: string };

describe('bad input gets a 4xx naming the field and changes nothing', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a number where text belongs', { ...VALID, description: 42 }, 'description'],
    ['an empty description', { ...VALID, description: ' ' }, 'description'],
    ['an unknown nature', { ...VALID, nature: 'rant' }, 'nature'],
    ['a malformed minor class', { ...VALID, minorClassCode: 'X1' }, 'minorClassCode'],
    ['an unknown minor class', { ...VALID, minorClassCode: 'E9999' }, 'minorClassCode'],
    ['a latitude out of range', { ...VALID, location: { lat: 123, lng: 116 } }, 'location.lat'],
    ['a string longitude', { ...VALID, location: { lat: 43.9, lng: 'east' } }, 'location.lng'],
    ['an unknown coordinate system', { ...VALID, location: { ...CITY_CENTRE, crs: 'mars' } }, 'location.crs'],
    ['letters in the phone number', { ...VALID, callerPhone: 'call me' }, 'callerPhone'],
    ['an overlong description', { ...VALID, description: '长'.repeat(5000) }, 'description'],
    ['a malformed duplicate case number', { ...VALID, duplicateOf: 'abc' }, 'duplicateOf'],
    ['a duplicate of a case that does not exist', { ...VALID, duplicateOf: '20200101-9999' }, 'duplicateOf'],
    ['an unknown urgency', { ...VALID, urgency: 'now!' }, 'urgency'],
    [
      'a missing location key',
      (() => {
        const { location: _l, ...rest } = VALID;
        return rest;
      })(),
      'location',
    ],
  ];
  for (const [what, input, field] of cases) {
    it(`rejects ${what} in intake.create, naming ${field}`, async () => {
      const before = snapshot();
      const r = await post(operator, 'intake.create', input);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.error!.data.fields.map((f) => f.field)).toContain(field);
      expect(r.error!.message).toContain(field === 'minorClassCode' || field === 'duplicateOf' ? '' : field);
      expect(snapshot()).toEqual(before);
    });
  }

  it('rejects bad action payloads naming the field', async () => {
    const c = await operator.client.intake.create.mutate(VALID as never);
    const before = snapshot();
    const checks: Array<[unknown, string]> = [
      [
        {
          caseNumber: c.caseNumber,
          expectedVersion: c.version,
          action: { type: 'request_return', reason: '' },
        },
        'action.reason',
      ],
      [{ caseNumber: c.caseNumber, expectedVersion: 'x', action: { type: 'accept' } }, 'expectedVersion'],
      [{ caseNumber: 'nope', expectedVersion: 1, action: { type: 'accept' } }, 'caseNumber'],
      [{ caseNumber: c.caseNumber, expectedVersion: c.version, action: { type: 'close' } }, 'action.type'],
      [
        {
          caseNumber: c.caseNumber,
          expectedVersion: c.version,
          action: { type: 'report_disposal', note: '好了', attachments: ['not-a-hash'] },
        },
        'action.attachments.0',
      ],
      [
        {
          caseNumber: c.caseNumber,
          expectedVersion: c.version,
          action: { type: 'request_extension', reason: '需要时间', amount: -3 },
        },
        'action.amount',
      ],
    ];
    for (const [input, field] of checks) {
      const r = await post(unit09, 'cases.act', input);
      expect(r.status, JSON.stringify(input)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.error!.data.fields.map((f) => f.field)).toContain(field);
    }
    // an uploaded-attachment reference that does not exist is refused by the service, naming it
    const missing = await post(unit09, 'cases.act', {
      caseNumber: c.caseNumber,
      expectedVersion: c.version,
      action: { type: 'report_disposal', note: '好了', attachments: ['a'.repeat(64)] },
    });
    expect(missing.status).toBe(400);
    expect(missing.error!.data.fields[0]!.field).toBe('action.attachments.0');
    expect(snapshot()).toEqual(before);
  });

  it('rejects a grid import that is not a partition, naming the document, and keeps the current grid', async () => {
    const before = server.services.reference.snapshot.gridVersion.id;
    const r = await post(admin, 'admin.importGrid', {
      document: {
        version: 'broken',
        validFrom: '2027-01-01',
        county: { code: '152502', name: 'x' },
        subDistricts: [],
        communities: [],
        cells: { type: 'FeatureCollection', features: [] },
      },
    });
    expect(r.status).toBe(400);
    expect(r.error!.data.fields.length).toBeGreaterThan(0);
    expect(server.services.reference.snapshot.gridVersion.id).toBe(before);
  });

  it('never answers random intake bodies with a 5xx and stores nothing from them', async () => {
    const before = snapshot();
    const junk = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    );
    const field = fc.constantFrom(
      'nature',
      'minorClassCode',
      'description',
      'urgency',
      'location',
      'callerPhone',
      'callerName',
      'address',
      'duplicateOf',
      'idempotencyKey',
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, junk, { minKeys: 1, maxKeys: 4 }), async (patch) => {
        const input = {
          ...VALID,
          ...patch,
          description:
            typeof patch.description === 'string' && patch.description.trim().length >= 2
              ? 123
              : (patch.description ?? 1),
        };
        const r = await post(operator, 'intake.create', input);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.error!.data.fields.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
    expect(snapshot()).toEqual(before);
  });
});
