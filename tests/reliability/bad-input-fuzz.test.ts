import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CITY_CENTRE,
  SCALE,
  listProcedures,
  Session,
  caseTotalsOf,
  sqlProbe,
  fcOptions,
  healthOk,
  intakeInput,
  loginAs,
  rawCall,
  startTestServer,
  type TestServer,
} from './support.ts';

/**
 * Random bad input at every procedure and at Open311: only 4xx answers (400s naming fields), never
 * a 5xx, the server keeps serving, and nothing is stored.
 */
const PROCEDURES = listProcedures().map((p) => [p.path, { _def: p }] as const);

/** Who calls each area: a user allowed to, so that input validation is what answers. */
const CALLER: Record<string, string | null> = {
  auth: null,
  reference: 'operator',
  intake: 'operator',
  dispatch: 'dispatcher',
  unitWork: 'unit-u09',
  review: 'inspector',
  cases: 'lead',
  citizen: 'lead',
  dashboard: 'supervisor',
  admin: 'admin',
  reports: 'supervisor',
  wall: 'supervisor',
  live: 'supervisor',
  gridImport: 'admin',
  gazetteer: 'admin',
  search: 'unit-u09',
};
const NO_CASE = '20200101-9999';
const period = { from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' };

/** A valid input per procedure, the seed for mutations (case actions point at a case that does not exist). */
const SAMPLES: Record<string, unknown> = {
  'auth.login': { username: 'nobody', password: 'wrong' },
  'reference.places': { q: '宝力根', limit: 5 },
  'intake.preview': { minorClassCode: 'C0302', location: CITY_CENTRE, urgency: 'normal' },
  'intake.create': {
    ...intakeInput('模糊测试', '13500000000'),
    address: '某路',
    duplicateOf: null,
    idempotencyKey: 'fuzz-key-0001',
  },
  'intake.callerHistory': { phone: '13500000000' },
  'intake.nearby': { minorClassCode: 'C0302', location: CITY_CENTRE, radiusM: 250, limit: 5 },
  'dispatch.queue': { limit: 10, offset: 0, search: '13500000000' },
  'unitWork.queue': { states: ['dispatched'], search: 'x', limit: 10, offset: 0 },
  'review.queue': { section: 'closed', limit: 10, offset: 0, search: '20261124' },
  'cases.get': { caseNumber: NO_CASE },
  'cases.act': {
    caseNumber: NO_CASE,
    expectedVersion: 1,
    action: { type: 'redispatch', unitCode: 'U09', reason: '改派原因' },
  },
  'citizen.reportOf': { caseNumber: NO_CASE },
  'cases.search': {
    states: ['filed'],
    unitCode: 'U09',
    cellCode: '15250200000000',
    reportedFrom: period.from,
    reportedTo: period.to,
    limit: 10,
    offset: 0,
  },
  'search.cases': { q: '垃圾箱 锡林', cursor: 5, limit: 10 },
  'dashboard.openCases': { states: ['dispatched'] },
  'dashboard.openCaseMarkers': { states: ['dispatched'] },
  'dashboard.cellCounts': { minorClassCode: 'C0302' },
  'dashboard.trend': { days: 30 },
  'dashboard.evaluation': { period, groupBy: 'unit', filter: { unitCode: 'U09' } },
  'admin.createUser': {
    username: 'fuzz.user',
    displayName: '模糊',
    role: 'unit_staff',
    unitCode: 'U09',
    password: 'long-enough-password',
  },
  'admin.updateUser': {
    id: 1,
    displayName: '模糊',
    role: 'operator',
    unitCode: null,
    active: true,
    password: 'long-enough-password',
  },
  'admin.upsertUnit': {
    code: 'U99',
    departmentCode: 'D01',
    name: '模糊单位',
    nameEn: 'Fuzz unit',
    subDistrictCode: '152502001',
    phone: '12319',
  },
  'admin.replaceRoutingRules': { rules: [{ id: 'r1' }] },
  'admin.setTimeLimit': {
    minorClassCode: 'C0302',
    timeLimit: { amount: 4, unit: 'working_hours' },
    urgentTimeLimit: null,
  },
  'admin.importGrid': { document: { version: 'x', cells: [] } },
  'admin.upsertDepartment': { code: 'D99', name: '模糊部门', nameEn: 'Fuzz department' },
  'admin.testRoute': { ...CITY_CENTRE, minorClassCode: 'C0302' },
  'admin.calendarYear': { year: 2027 },
  'admin.loadCalendarYear': {
    year: 2030,
    holidays: [{ date: '2030-01-01', name: '元旦' }],
    makeUpWorkdays: [{ date: '2030-02-02', name: '调休' }],
  },
  'admin.createApiKey': { name: '模糊客户端' },
  'admin.revokeApiKey': { id: '0123456789ab' },
  'admin.auditLog': { limit: 10, target: 'user:operator', action: 'user.' },
  'gridImport.preview': { document: { type: 'FeatureCollection', features: [] }, version: 'fuzz-1' },
  'gridImport.commit': { document: { type: 'FeatureCollection', features: [] }, version: 'fuzz-1' },
  'gazetteer.preview': { text: 'name,kind,lng,lat' },
  'gazetteer.commit': { text: 'name,kind,lng,lat' },
  'gazetteer.nearest': CITY_CENTRE,
  'reports.build': { kind: 'custom', date: '2026-11-01', to: '2026-11-30', groupBy: 'cell' },
  'wall.recent': { limit: 10 },
  'live.onCaseEvent': { lastEventId: 0 },
};
/**
 * Mutations whose schema takes any document: the handler must refuse junk itself (never 2xx, never
 * 5xx). An empty rule list is not junk: it is accepted and removes every routing rule (reported),
 * so it is not sent here.
 */
const HANDLER_VALIDATED = new Set([
  'admin.importGrid',
  'admin.replaceRoutingRules',
  'gridImport.preview',
  'gridImport.commit',
  'gazetteer.commit',
]);
const isEmptyRuleList = (path: string, v: unknown) =>
  path === 'admin.replaceRoutingRules' &&
  Array.isArray((v as { rules?: unknown } | null)?.rules) &&
  (v as { rules: unknown[] }).rules.length === 0;

const HUGE = 'x'.repeat(200_000);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      -0.5,
      1e308,
      -1e308,
      2 ** 53 + 2,
      '',
      ' ',
      'NaN',
      'Infinity',
      '-Infinity',
      '-1',
      '1e309',
      '0x1F',
      '\u0000',
      '<script>alert(1)</script>',
      "' or 1=1 --",
      '../../etc/passwd',
      '%00',
      '20261124-0001',
      'C0302',
      'U09',
      '2026-13-45T99:99:99Z',
      '长'.repeat(3000),
    ),
    weight: 4,
  },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.constant(HUGE), weight: 1 },
  { arbitrary: fc.constant(JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) as unknown), weight: 1 },
  { arbitrary: fc.array(fc.string({ maxLength: 5 }), { maxLength: 30 }), weight: 1 },
);

/** Every path into a value ([] is the whole value). */
function pathsOf(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...prefix, i])));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}

/** Replace (or delete) the value at a path in a deep copy. */
function mutateAt(v: unknown, path: Array<string | number>, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** A bad input for one procedure: the valid sample with one part broken, or something else entirely. */
const badInputFor = (path: string): fc.Arbitrary<unknown> => {
  const sample = SAMPLES[path];
  const wholesale = fc.oneof(junk, fc.dictionary(fc.string({ maxLength: 12 }), junk, { maxKeys: 5 }));
  if (sample === undefined) return wholesale;
  const paths = pathsOf(sample);
  const broken = fc
    .record({
      at: fc.nat({ max: paths.length - 1 }),
      value: junk,
      remove: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    })
    .map(({ at, value, remove }) => mutateAt(sample, paths[at]!, value, remove));
  return fc.oneof({ arbitrary: broken, weight: 3 }, { arbitrary: wholesale, weight: 1 });
};

let server: TestServer;
const sessions = new Map<string, Session>();

beforeAll(async () => {
  server = await startTestServer();
  for (const u of new Set(Object.values(CALLER))) if (u) sessions.set(u, await loginAs(server, u));
  // some cases to read, act on and search
  const operator = sessions.get('operator')!;
  for (let i = 0; i < 3; i++)
    await operator.client.intake.create.mutate(intakeInput(`模糊测试 existing ${i}`, '13500000001'));
});
afterAll(async () => server?.stop());

const db = () => sqlProbe(server.services);

async function subscriptionStatus(
  session: Session,
  path: string,
  input: unknown,
): Promise<{ status: number; text: string }> {
  const ctl = new AbortController();
  const url = `${server.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', cookie: session.cookie },
    signal: ctl.signal,
  });
  let text = '';
  if (res.status === 200) {
    const reader = res.body!.getReader();
    while (!/"code"|"id"|event: connected/.test(text) && text.length < 100_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } else text = await res.text();
  ctl.abort();
  return { status: res.status, text };
}

describe('bad input at every procedure', () => {
  it('has a valid sample for every procedure that takes input', () => {
    const withInput = PROCEDURES.filter(([, p]) => p._def.inputs.length > 0).map(([path]) => path);
    expect(withInput.filter((p) => !(p in SAMPLES))).toEqual([]);
    for (const [path, sample] of Object.entries(SAMPLES)) {
      const proc = PROCEDURES.find(([p]) => p === path)?.[1];
      expect(proc, path).toBeDefined();
      expect(
        proc!._def.inputs.every((z) => z.safeParse(sample).success),
        `sample for ${path} is valid`,
      ).toBe(true);
    }
  });

  for (const [path, proc] of PROCEDURES) {
    if (path === 'auth.logout') continue; // ignores its input and would end the session
    it(`answers random bad input to ${path} with a 4xx only, naming fields on 400, and stores nothing`, async () => {
      const area = path.split('.')[0]!;
      const caller = CALLER[area];
      const session = caller ? sessions.get(caller)! : new Session(server.url);
      const before = await caseTotalsOf(db());
      const schemas = proc._def.inputs;
      const isValid = (v: unknown) => schemas.every((z) => z.safeParse(v).success);
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(badInputFor(path), async (input) => {
          // what arrives at the server is the JSON of the input
          const wire =
            input === undefined ? undefined : (JSON.parse(JSON.stringify(input) ?? 'null') as unknown);
          const valid = isValid(wire);
          if (
            valid &&
            proc._def.type === 'mutation' &&
            (!HANDLER_VALIDATED.has(path) || isEmptyRuleList(path, wire))
          )
            return; // a valid request is not bad input
          sent++;
          if (proc._def.type === 'subscription') {
            const r = await subscriptionStatus(session, path, wire);
            expect(r.status).toBeLessThan(500);
            expect(r.text).not.toContain('INTERNAL_SERVER_ERROR');
            if (!valid)
              expect(
                (r.status >= 400 && r.status < 500) || r.text.includes('BAD_REQUEST'),
                `${r.status} ${r.text.slice(0, 300)}`,
              ).toBe(true);
            return;
          }
          const r = await rawCall(server.url, session, path, proc._def.type, wire);
          const context = `${path} ${JSON.stringify(wire)?.slice(0, 300)} → ${r.status} ${JSON.stringify(r.error)?.slice(0, 300)}`;
          expect(r.status, context).toBeLessThan(500);
          if (r.status === 400) expect(r.error?.data?.fields?.length ?? 0, context).toBeGreaterThan(0);
          if (!valid || HANDLER_VALIDATED.has(path)) {
            const oversized = [413, 414, 431].includes(r.status); // a request line or body beyond the server's limits
            expect(r.status >= 400 && r.status < 500, context).toBe(true);
            if (!oversized && path !== 'auth.login') expect(r.status, context).toBe(400);
          }
        }),
        fcOptions(30 * SCALE),
      );
      expect(sent).toBeGreaterThan(0);
      expect(await caseTotalsOf(db())).toEqual(before);
      expect(await healthOk(server.url)).toBe(true);
    });
  }

  it('answers malformed requests (not JSON, broken encodings, odd transformer data) without a 5xx', async () => {
    const operator = sessions.get('operator')!;
    const before = await caseTotalsOf(db());
    const bodies = [
      '',
      'not json',
      '{',
      '[]',
      'null',
      '{"json":',
      '{"json":{"a":1},"meta":{"values":{"a":["bigint"]}}}',
      '{"json":{"caseNumber":"1"},"meta":{"values":{"caseNumber":["Date"]}}}',
      '{"json":{},"meta":{"values":["set"]}}',
      '{"json":{},"meta":{"referentialEqualities":{"a":["b"]}}}',
      '{"json":[1,2],"meta":{"values":{"0":[["custom","nope"]]}}}',
      `{"json":"${'x'.repeat(1_100_000)}"}`,
    ];
    for (const body of bodies) {
      const r = await rawCall(server.url, operator, 'intake.create', 'mutation', undefined, {
        rawBody: body,
      });
      expect(r.status, body.slice(0, 100)).toBeGreaterThanOrEqual(400);
      expect(r.status, body.slice(0, 100)).toBeLessThan(500);
    }
    const queries = [
      'input=%E0%A4%A',
      'input=not-json',
      'input={"json":{"caseNumber":1}}',
      'batch=1&input={"0":{"json":{"caseNumber":"x"}}}',
      'batch=1&input=[]',
      `input=${'%7B'.repeat(3000)}`,
    ];
    for (const q of queries) {
      const r = await rawCall(server.url, sessions.get('lead')!, 'cases.get', 'query', undefined, {
        rawQuery: q,
      });
      expect(r.status, q.slice(0, 100)).toBeGreaterThanOrEqual(400);
      expect(r.status, q.slice(0, 100)).toBeLessThan(500);
    }
    for (const path of ['nope', 'cases', 'cases.get.x', '..%2F..%2Fhealth', 'intake.create,cases.get']) {
      const r = await rawCall(server.url, operator, path, 'query', {});
      expect(r.status, path).toBeLessThan(500);
    }
    expect(await caseTotalsOf(db())).toEqual(before);
    expect(await healthOk(server.url)).toBe(true);
  });
});

describe('bad input at Open311', () => {
  const FIELDS = [
    'api_key',
    'service_code',
    'lat',
    'long',
    'address_string',
    'address_id',
    'description',
    'email',
    'first_name',
    'last_name',
    'phone',
    'media_url',
    'attribute[nature]',
    'attribute[urgency]',
    'device_id',
    'account_id',
    'jurisdiction_id',
  ];
  const QUERY = [
    'service_request_id',
    'service_code',
    'start_date',
    'end_date',
    'status',
    'page',
    'page_size',
    'jurisdiction_id',
    'api_key',
  ];
  const text = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      'C0302',
      'E0102',
      'E9999',
      '43.934',
      '116.086',
      '-91',
      '1e3',
      'NaN',
      'Infinity',
      'open',
      'closed',
      'open,closed',
      '0',
      '-1',
      '1000001',
      '2026-11-24T00:00:00+08:00',
      '2026-02-30',
      'a@b.c',
      'not-an-email',
      'http://x.test/a.jpg',
      'javascript:alert(1)',
      'urgent',
      'help',
      '20261124-0001,20261124-0002',
      '%',
      '\u0000',
      '长'.repeat(600),
    ),
    fc.string({ maxLength: 30 }),
    fc.integer().map(String),
  );
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...FIELDS), weight: 5 },
    { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  );

  it('never answers random list queries with a 5xx', async () => {
    const qkey = fc.oneof(
      { arbitrary: fc.constantFrom(...QUERY), weight: 5 },
      { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(qkey, text), { maxLength: 8 }),
        fc.constantFrom(
          'requests.json',
          'requests.xml',
          'requests',
          'requests.csv',
          'services.json',
          'requests/20261124-0001.json',
          'tokens/tok-x.json',
          'discovery.json',
          'nope.json',
        ),
        async (pairs, resource) => {
          const q = new URLSearchParams(pairs).toString();
          const res = await fetch(`${server.url}/open311/v2/${resource}?${q}`);
          const body = await res.text();
          expect(res.status, `${resource}?${q.slice(0, 300)} → ${body.slice(0, 300)}`).toBeLessThan(500);
        },
      ),
      fcOptions(80 * SCALE),
    );
    expect(await healthOk(server.url)).toBe(true);
  });

  it('never answers random request submissions with a 5xx, and stores exactly the ones it accepted', async () => {
    const before = await caseTotalsOf(db());
    const accepted: string[] = [];
    const randomForm = fc
      .array(fc.tuple(key, text), { maxLength: 10 })
      .map((pairs) => [['api_key', 'test-key'] as [string, string], ...pairs]);
    // a valid submission with one field added or overridden: some are accepted, most are not
    const VALID: Array<[string, string]> = [
      ['api_key', 'test-key'],
      ['service_code', 'C0302'],
      ['lat', '43.934'],
      ['long', '116.086'],
      ['description', '模糊测试 open311'],
    ];
    const nearlyValid = fc
      .tuple(key, text)
      .map(([k, v]) => [...VALID.filter(([f]) => f !== k), [k, v] as [string, string]]);
    const form = fc.oneof(randomForm, nearlyValid);
    const jsonBody = fc
      .dictionary(
        key,
        fc.oneof(
          text.map((t) => t as unknown),
          junk,
        ),
        { maxKeys: 8 },
      )
      .map((d) => ({ api_key: 'test-key', ...d }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          form.map((f) => ({ kind: 'form' as const, f })),
          jsonBody.map((j) => ({ kind: 'json' as const, j })),
        ),
        async (req) => {
          const res =
            req.kind === 'form'
              ? await fetch(`${server.url}/open311/v2/requests.json`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                  body: new URLSearchParams(req.f).toString(),
                })
              : await fetch(`${server.url}/open311/v2/requests.json`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(req.j),
                });
          const body = await res.text();
          const context = `${JSON.stringify(req).slice(0, 400)} → ${res.status} ${body.slice(0, 300)}`;
          expect(res.status, context).toBeLessThan(500);
          if (res.status === 200) {
            const [created] = JSON.parse(body) as Array<{ service_request_id: string }>;
            accepted.push(created!.service_request_id);
          } else expect(res.status, context).toBeGreaterThanOrEqual(400);
        },
      ),
      fcOptions(120 * SCALE),
    );
    const after = await caseTotalsOf(db());
    expect(after.cases - before.cases).toBe(accepted.length);
    for (const n of accepted)
      expect(await db().get('select state from cases where case_number = ?', n)).toEqual({
        state: 'reported',
      });
    expect(await healthOk(server.url)).toBe(true);
  });
});
