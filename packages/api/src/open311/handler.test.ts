import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, ReferenceStore, type CitygridDatabase } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import { seedReferenceData } from '../seed/reference.ts';
import { sha256 } from '../services/auth-service.ts';
import { createServices, type Services } from '../compose.ts';
import { handleOpen311, type Open311Request } from './handler.ts';

const BASE = 'http://localhost/open311/v2';
const BEIJING_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const lead: SessionUser = {
  id: 1,
  username: 'lead',
  displayName: '值班长',
  role: 'shift_lead',
  unitCode: null,
};

let dir: string;
let database: CitygridDatabase;
let services: Services;
let serviceCode: string;
let serviceName: string;
let unitCode: string;
let unitName: string;

function call(
  method: string,
  path: string,
  query: Open311Request['query'] = {},
  body: Record<string, unknown> = {},
) {
  return handleOpen311(services, { method, path, query, body, baseUrl: BASE });
}
async function json<T = unknown>(
  method: string,
  path: string,
  query: Open311Request['query'] = {},
  body: Record<string, unknown> = {},
) {
  const res = await call(method, path, query, body);
  return { status: res.status, contentType: res.contentType, data: JSON.parse(res.body) as T };
}
type Row = Record<string, unknown>;

const post = (fields: Record<string, unknown>) =>
  json<Row[]>(
    'POST',
    '/requests.json',
    {},
    { api_key: 'test-key', service_code: serviceCode, lat: '43.9333', long: '116.0833', ...fields },
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citygrid-open311-'));
  database = openDatabase(join(dir, 'citygrid.db'));
  const now = new Date().toISOString();
  await seedReferenceData(new ReferenceStore(database), now);
  services = await createServices({ database, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  await services.users.addApiKey({ keyHash: sha256('test-key'), name: 'test', createdAt: now });
  const m = services.reference.snapshot.minorClasses[0]!;
  serviceCode = m.code;
  serviceName = m.name;
  unitCode = m.defaultUnitCodes[0]!;
  unitName = services.reference.unitName(unitCode)!;
});

afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Open311 discovery and services', () => {
  it('describes one production GeoReport v2 endpoint in JSON and XML', async () => {
    const { status, contentType, data } = await json<Row>('GET', '/discovery.json');
    expect(status).toBe(200);
    expect(contentType).toBe('application/json; charset=utf-8');
    expect(data).toMatchObject({
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: BASE,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
    expect(typeof data['changeset']).toBe('string');
    const xml = await call('GET', '/discovery.xml');
    expect(xml.contentType).toBe('text/xml; charset=utf-8');
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<discovery>/);
    expect(xml.body).toContain(
      '<formats>\n        <format>text/xml</format>\n        <format>application/json</format>\n      </formats>',
    );
  });

  it('lists one realtime service per minor class with its hotline category as group', async () => {
    const { status, data } = await json<Row[]>('GET', '/services.json');
    expect(status).toBe(200);
    expect(data).toHaveLength(services.reference.snapshot.minorClasses.length);
    const m = services.reference.snapshot.minorClasses[0]!;
    const group = services.reference.snapshot.hotlineCategories.find(
      (c) => c.code === m.hotlineCategory,
    )!.name;
    expect(data[0]).toEqual({
      service_code: m.code,
      service_name: m.name,
      description: m.filingCriteria,
      metadata: true,
      type: 'realtime',
      keywords: m.keywords.join(','),
      group,
    });
    const xml = await call('GET', '/services.xml');
    expect(xml.body).toContain(`<services>\n  <service>\n    <service_code>${m.code}</service_code>`);
    expect(xml.body.match(/<service>/g)).toHaveLength(data.length);
  });

  it('defines nature and urgency attributes with Chinese value names', async () => {
    const { status, data } = await json<{ service_code: string; attributes: Array<Row & { values: Row[] }> }>(
      'GET',
      `/services/${serviceCode}.json`,
    );
    expect(status).toBe(200);
    expect(data.service_code).toBe(serviceCode);
    const nature = data.attributes.find((a) => a['code'] === 'nature')!;
    expect(nature).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: false, order: 1 });
    expect(nature.values.map((v) => `${String(v['key'])}=${String(v['name'])}`)).toEqual([
      'complaint=投诉',
      'enquiry=咨询',
      'help=求助',
      'report=举报',
      'suggestion=建议',
      'praise=表扬',
    ]);
    expect(data.attributes.find((a) => a['code'] === 'urgency')!.values.map((v) => v['key'])).toEqual([
      'normal',
      'urgent',
    ]);
    const xml = await call('GET', `/services/${serviceCode}.xml`);
    expect(xml.body).toContain('<service_definition>');
    expect(xml.body).toContain(
      '<value>\n          <key>complaint</key>\n          <name>投诉</name>\n        </value>',
    );
    expect(xml.body).toContain('<datatype_description/>');
  });

  it('answers 404 with an error list for an unknown service code', async () => {
    const { status, data } = await json<Row[]>('GET', '/services/NOPE.json');
    expect(status).toBe(404);
    expect(data).toEqual([{ code: 404, description: expect.stringContaining('service_code') }]);
  });

  it('refuses unknown formats with 400 and unknown resources with 404', async () => {
    expect((await call('GET', '/services.yaml')).status).toBe(400);
    expect((await call('GET', '/services')).status).toBe(400);
    const unknown = await call('GET', '/widgets.xml');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('<errors>\n  <error>\n    <code>404</code>');
  });
});

describe('Open311 POST requests', () => {
  it('refuses a request without api_key with 403', async () => {
    const { status, data } = await json<Row[]>(
      'POST',
      '/requests.json',
      {},
      { service_code: serviceCode, lat: '43.93', long: '116.08' },
    );
    expect(status).toBe(403);
    expect(data[0]).toMatchObject({ code: 403, description: expect.stringContaining('api_key') });
    expect((await post({ api_key: 'wrong' })).status).toBe(403);
  });

  it('refuses a request without service_code with 400 naming it', async () => {
    const { status, data } = await post({ service_code: undefined });
    expect(status).toBe(400);
    expect(data[0]!['description']).toContain('service_code');
  });

  it('refuses a request without any location with 400', async () => {
    const { status, data } = await post({ lat: undefined, long: undefined });
    expect(status).toBe(400);
    expect(data[0]!['description']).toBe('lat/long, address_string or address_id required');
  });

  it('validates attribute values, coordinates, description length and media_url', async () => {
    expect((await post({ 'attribute[nature]': 'rant' })).data[0]!['description']).toContain(
      'attribute[nature]',
    );
    expect((await post({ attribute: { urgency: 'now' } })).data[0]!['description']).toContain(
      'attribute[urgency]',
    );
    expect((await post({ lat: '91' })).data[0]!['description']).toContain('lat');
    expect((await post({ long: undefined })).status).toBe(400);
    expect((await post({ description: 'x'.repeat(4001) })).data[0]!['description']).toContain('description');
    expect((await post({ media_url: 'javascript:alert(1)' })).data[0]!['description']).toContain('media_url');
    expect((await post({ email: 'not-an-address' })).data[0]!['description']).toContain('email');
  });

  it('creates a case that reads back open, unassigned and in +08:00 until it is dispatched', async () => {
    const created = await post({
      description: '井盖缺失 <危险> & 需尽快处理',
      address_string: '锡林浩特市 额尔敦路',
      first_name: '三',
      last_name: '张',
      phone: '13800000000',
      email: 'zhang@example.cn',
      media_url: 'https://example.cn/p/1.jpg',
      'attribute[nature]': 'help',
      'attribute[urgency]': 'urgent',
    });
    expect(created.status).toBe(200);
    const id = String(created.data[0]!['service_request_id']);
    expect(id).toMatch(/^\d{8}-\d{4}$/);
    expect(created.data[0]).toMatchObject({ account_id: null, service_notice: expect.any(String) });
    expect(created.data[0]).toHaveProperty('token');

    const record = (await services.cases.getRecord(id))!;
    expect(record).toMatchObject({
      source: 'open311',
      state: 'reported',
      nature: 'help',
      urgency: 'urgent',
      callerName: '张三',
      callerPhone: '13800000000',
      reporterEmail: 'zhang@example.cn',
    });

    // a partner with an API key reads the exact location and address (the public's are coarse)
    const before = await json<Row[]>('GET', `/requests/${id}.json`, { api_key: 'test-key' });
    expect(before.status).toBe(200);
    expect(before.data).toHaveLength(1);
    const r = before.data[0]!;
    expect(r).toMatchObject({
      service_request_id: id,
      status: 'open',
      status_notes: expect.stringContaining('待立案'),
      service_code: serviceCode,
      service_name: serviceName,
      description: '井盖缺失 <危险> & 需尽快处理',
      agency_responsible: null,
      expected_datetime: null,
      address: '锡林浩特市 额尔敦路',
      lat: 43.9333,
      long: 116.0833,
      media_url: 'https://example.cn/p/1.jpg',
    });
    expect(r['requested_datetime']).toMatch(BEIJING_ISO);
    expect(r['updated_datetime']).toMatch(BEIJING_ISO);
    const xml = await call('GET', `/requests/${id}.xml`);
    expect(xml.body).toContain('<description>井盖缺失 &lt;危险&gt; &amp; 需尽快处理</description>');
    expect(xml.body).toContain('<agency_responsible/>');

    const filed = await services.cases.act(id, record.version, { type: 'file' }, lead);
    await services.cases.act(id, filed.record.version, { type: 'dispatch', unitCode }, lead);
    const after = (await json<Row[]>('GET', `/requests/${id}.json`)).data[0]!;
    expect(after['agency_responsible']).toBe(unitName);
    expect(after['status_notes']).toContain('已派遣 dispatched');
    expect(after['expected_datetime']).toMatch(BEIJING_ISO);
    const dueAt = (await services.cases.getRecord(id))!.dueAt!;
    expect(Date.parse(String(after['expected_datetime']))).toBe(Math.floor(Date.parse(dueAt) / 1000) * 1000);
  });

  it('accepts address_id alone and returns the case number in XML', async () => {
    const res = await call(
      'POST',
      '/requests.xml',
      {},
      { api_key: 'test-key', service_code: serviceCode, address_id: 'A-17' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      /<service_requests>\n {2}<request>\n {4}<service_request_id>\d{8}-\d{4}<\/service_request_id>/,
    );
    expect(res.body).toContain('<account_id/>');
  });

  it('404s unknown tokens, including the old guessable tok-<case number>', async () => {
    const id = String((await post({})).data[0]!['service_request_id']);
    expect((await call('GET', `/tokens/tok-${id}.json`)).status).toBe(404);
    expect((await call('GET', '/tokens/whatever.xml')).status).toBe(404);
  });

  it('answers 404 with an error list for an unknown request id', async () => {
    const { status, data } = await json<Row[]>('GET', '/requests/19990101-9999.json');
    expect(status).toBe(404);
    expect(data).toEqual([{ code: 404, description: expect.stringContaining('service_request_id') }]);
  });
});

describe('Open311 GET requests', () => {
  it('filters by status: a voided case is closed with its reason, the others open', async () => {
    const id = String((await post({ description: '重复反映' })).data[0]!['service_request_id']);
    const rec = (await services.cases.getRecord(id))!;
    await services.cases.act(id, rec.version, { type: 'void', reason: '非城管职责' }, lead);

    const closed = (await json<Row[]>('GET', '/requests.json', { status: 'closed' })).data;
    expect(closed.map((r) => r['service_request_id'])).toEqual([id]);
    expect(closed[0]).toMatchObject({
      status: 'closed',
      status_notes: expect.stringContaining('非城管职责'),
      expected_datetime: null,
    });
    const open = (await json<Row[]>('GET', '/requests.json', { status: 'open' })).data;
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r['status'] === 'open')).toBe(true);
    const both = (await json<Row[]>('GET', '/requests.json', { status: 'open,closed' })).data;
    expect(both).toHaveLength(open.length + 1);
    expect((await call('GET', '/requests.json', { status: 'pending' })).status).toBe(400);
  });

  it('pages with page and page_size, newest first', async () => {
    const all = (await json<Row[]>('GET', '/requests.json')).data;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const p1 = (await json<Row[]>('GET', '/requests.json', { page_size: '2' })).data;
    const p2 = (await json<Row[]>('GET', '/requests.json', { page: '2', page_size: '2' })).data;
    expect(p1.map((r) => r['service_request_id'])).toEqual(
      all.slice(0, 2).map((r) => r['service_request_id']),
    );
    expect(p2.map((r) => r['service_request_id'])).toEqual(
      all.slice(2, 4).map((r) => r['service_request_id']),
    );
    expect((await json<Row[]>('GET', '/requests.json', { page_size: '1001' })).status).toBe(400);
    expect((await json<Row[]>('GET', '/requests.json', { page: '0' })).data[0]!['description']).toContain(
      'page',
    );
  });

  it('filters by service_request_id list, service_code list and date window', async () => {
    const all = (await json<Row[]>('GET', '/requests.json')).data;
    const ids = all.slice(0, 2).map((r) => String(r['service_request_id']));
    const byId = (
      await json<Row[]>('GET', '/requests.json', {
        service_request_id: `${ids[0]},${ids[1]},19990101-0001`,
        status: 'closed',
      })
    ).data;
    expect(byId.map((r) => r['service_request_id'])).toEqual(ids);
    const other = services.reference.snapshot.minorClasses[1]!.code;
    expect(
      (await json<Row[]>('GET', '/requests.json', { service_code: `${serviceCode},${other}` })).data,
    ).toHaveLength(all.length);
    expect((await json<Row[]>('GET', '/requests.json', { service_code: other })).data).toHaveLength(0);
    expect(
      (
        await json<Row[]>('GET', '/requests.json', {
          start_date: '2020-01-01T00:00:00Z',
          end_date: '2020-02-01T00:00:00+08:00',
        })
      ).data,
    ).toHaveLength(0);
    const start = new Date(Date.now() - 3_600_000).toISOString();
    expect((await json<Row[]>('GET', '/requests.json', { start_date: start })).data).toHaveLength(all.length);
    expect((await call('GET', '/requests.json', { start_date: 'yesterday' })).status).toBe(400);
    expect(
      (await call('GET', '/requests.json', { start_date: '2020-01-01', end_date: '2020-06-01' })).status,
    ).toBe(400);
    expect(all.every((r) => BEIJING_ISO.test(String(r['requested_datetime'])))).toBe(true);
  });

  it('never answers 5xx to random paths, queries and bodies', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '',
        'open',
        'closed',
        '1',
        '0',
        '-1',
        '1e9',
        'NaN',
        '2026-13-45',
        'test-key',
        serviceCode,
        'a,b,,c',
      ),
    );
    const path = fc.oneof(
      fc.constantFrom(
        '/discovery.json',
        '/services.xml',
        `/services/${serviceCode}.json`,
        '/requests.json',
        '/requests.xml',
        '/requests/x.json',
        '/tokens/tok-.xml',
        '/',
        '/requests',
        '/requests.JSON',
        '/servicerequestupdates.xml',
        '/servicerequestupdates.json',
      ),
      fc.string().map((s) => `/${s}`),
      fc
        .tuple(
          fc.constantFrom('services', 'requests', 'tokens', 'servicerequestupdates'),
          fc.string(),
          fc.constantFrom('json', 'xml', 'csv'),
        )
        .map(([r, id, f]) => `/${r}/${encodeURIComponent(id)}.${f}`),
    );
    const keys = fc.constantFrom(
      'api_key',
      'service_code',
      'lat',
      'long',
      'address_string',
      'address_id',
      'description',
      'email',
      'phone',
      'media_url',
      'first_name',
      'attribute[nature]',
      'attribute[urgency]',
      'status',
      'page',
      'page_size',
      'start_date',
      'end_date',
      'service_request_id',
      'jurisdiction_id',
      'update_id',
      'updated_datetime',
    );
    const value = fc.oneof(
      text,
      fc.array(text, { maxLength: 3 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.object({ maxDepth: 1 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        path,
        fc.dictionary(keys, fc.oneof(text, fc.array(text, { maxLength: 3 }))),
        fc.dictionary(keys, value),
        async (method, p, query, body) => {
          const res = await call(method, p, query, { api_key: 'test-key', ...body });
          expect(res.status).toBeLessThan(500);
          if (res.contentType.startsWith('application/json'))
            expect(() => JSON.parse(res.body) as unknown).not.toThrow();
          else expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// --- FixMyStreet interop and privacy (issues 15 and 9.12) -------------------------------------------

const operator: SessionUser = {
  id: 2,
  username: 'operator',
  displayName: '受理员',
  role: 'operator',
  unitCode: null,
};
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A second database whose clock stands still at a chosen instant (with milliseconds). */
async function servicesAt(instant: string) {
  const d = mkdtempSync(join(tmpdir(), 'citygrid-open311-clock-'));
  const db = openDatabase(join(d, 'citygrid.db'));
  const clock = {
    t: new Date(instant),
    now() {
      return new Date(this.t);
    },
  };
  await seedReferenceData(new ReferenceStore(db), instant);
  const s = await createServices({
    database: db,
    clock,
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  });
  await s.users.addApiKey({ keyHash: sha256('test-key'), name: 'FixMyStreet', createdAt: instant });
  const callAt = (
    method: string,
    path: string,
    query: Open311Request['query'] = {},
    body: Record<string, unknown> = {},
  ) => handleOpen311(s, { method, path, query, body, baseUrl: BASE });
  return {
    s,
    clock,
    callAt,
    close: () => {
      db.close();
      rmSync(d, { recursive: true, force: true });
    },
  };
}

describe('Open311 date windows (issue 15.1)', () => {
  it('includes a request created in the same second as end_date, at the published precision', async () => {
    const t = await servicesAt('2026-11-24T02:15:30.500Z');
    try {
      const created = await t.callAt(
        'POST',
        '/requests.json',
        {},
        { api_key: 'test-key', service_code: serviceCode, lat: '43.9333', long: '116.0833' },
      );
      const id = (JSON.parse(created.body) as Row[])[0]!['service_request_id'];
      // FixMyStreet asks for the last hour ending now, formatted to the second (W3CDTF, UTC)
      const res = await t.callAt('GET', '/requests.json', {
        start_date: '2026-11-24T01:15:30Z',
        end_date: '2026-11-24T02:15:30Z',
      });
      expect((JSON.parse(res.body) as Row[]).map((r) => r['service_request_id'])).toEqual([id]);
      const published = (
        JSON.parse((await t.callAt('GET', `/requests/${String(id)}.json`)).body) as Row[]
      )[0]!['requested_datetime'];
      expect(published).toBe('2026-11-24T10:15:30+08:00');
      const same = await t.callAt('GET', '/requests.json', {
        start_date: String(published),
        end_date: String(published),
      });
      expect(JSON.parse(same.body)).toHaveLength(1);
      const before = await t.callAt('GET', '/requests.json', {
        start_date: '2026-11-24T01:15:30Z',
        end_date: '2026-11-24T02:15:29Z',
      });
      expect(JSON.parse(before.body)).toHaveLength(0);
    } finally {
      t.close();
    }
  });
});

describe('Open311 tokens (issue 15.2)', () => {
  it('returns an unguessable token with the POST and resolves it while the request awaits verification and once filed', async () => {
    const created = await post({});
    const row = created.data[0]!;
    const id = String(row['service_request_id']);
    const token = String(row['token']);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(token).not.toContain(id);
    const waiting = await json<Row[]>('GET', `/tokens/${token}.json`);
    expect(waiting).toMatchObject({ status: 200, data: [{ token, service_request_id: id }] });
    const rec = (await services.cases.getRecord(id))!;
    expect(rec.state).toBe('reported');
    await services.cases.act(id, rec.version, { type: 'file' }, lead);
    const xml = await call('GET', `/tokens/${token}.xml`);
    expect(xml.body).toContain(`<service_request_id>${id}</service_request_id>`);
    expect((await call('GET', `/tokens/tok-${id}.json`)).status).toBe(404);
  });

  it('documents the token flow in the discovery document', async () => {
    const { data } = await json<Row>('GET', '/discovery.json');
    expect(String(data['key_service'])).toContain('token');
  });
});

describe('Open311 errors and jurisdiction (issues 15.4, 15.5)', () => {
  it('answers an unknown resource in the format the path asked for', async () => {
    const res = await call('GET', '/widgets.json');
    expect(res.status).toBe(404);
    expect(res.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual([{ code: 404, description: expect.stringContaining('widgets') }]);
    const bad = await call('GET', '/discovery/x.json');
    expect(bad.contentType).toBe('application/json; charset=utf-8');
  });

  it('publishes its jurisdiction_id, accepts it and refuses any other naming the field', async () => {
    const { data } = await json<Row>('GET', '/discovery.json');
    expect(data['jurisdiction_id']).toBe('152502');
    expect((await json('GET', '/services.json', { jurisdiction_id: '152502' })).status).toBe(200);
    expect((await post({ jurisdiction_id: '152502' })).status).toBe(200);
    const other = await json<Row[]>('GET', '/services.json', { jurisdiction_id: 'chicago.gov' });
    expect(other.status).toBe(400);
    expect(other.data[0]!['description']).toContain('jurisdiction_id');
    const otherPost = await post({ jurisdiction_id: 'chicago.gov' });
    expect(otherPost.status).toBe(400);
    expect(otherPost.data[0]!['description']).toContain('jurisdiction_id');
  });
});

describe('Open311 points outside the city (issue 15.6)', () => {
  it("refuses a point far outside Xilinhot's service area naming lat/long, and stores nothing", async () => {
    const before = await services.cases.count({});
    const chicago = await post({ lat: '41.8781', long: '-87.6298' });
    expect(chicago.status).toBe(400);
    expect(chicago.data[0]!['description']).toMatch(/^lat\/long .*outside Xilinhot's service area/);
    expect(await services.cases.count({})).toBe(before);
  });

  it('holds a point just outside the grid but near the city for manual dispatch', async () => {
    const cells = services.reference.snapshot.cells;
    const east = Math.max(...cells.flatMap((c) => c.ring.map(([lng]) => lng)));
    const created = await post({ lat: '43.9333', long: String(east + 0.02) });
    expect(created.status).toBe(200);
    const rec = (await services.cases.getRecord(String(created.data[0]!['service_request_id'])))!;
    expect(rec).toMatchObject({ cellCode: null, state: 'reported', unitCode: null });
  });
});

describe('Open311 attributes (issue 15.7)', () => {
  it('says in each service definition that unknown attribute codes are ignored, and ignores them', async () => {
    const { data } = await json<{ attributes: Row[] } & Row>('GET', `/services/${serviceCode}.json`);
    expect(String(data['description'])).toMatch(/unknown attribute codes are ignored/i);
    expect(
      (await post({ 'attribute[fms_extra_title]': 'whatever', attribute: { asset_id: 'X1' } })).status,
    ).toBe(200);
  });

  it('refuses malformed values of known attributes naming the attribute', async () => {
    const list = await post({ attribute: { nature: ['help', 'report'] } });
    expect(list.status).toBe(400);
    expect(list.data[0]!['description']).toContain('attribute[nature]');
    const urgency = await post({ 'attribute[urgency]': 'URGENT!!' });
    expect(urgency.data[0]!['description']).toContain('attribute[urgency]');
  });
});

describe('Open311 privacy (issue 9.12)', () => {
  const exact = { lat: 43.93712, lng: 116.08134 };
  let hotlineId: string;
  let consentId: string;
  let open311Id: string;

  beforeAll(async () => {
    const hot = await services.cases.intake(
      {
        source: 'hotline',
        nature: 'complaint',
        minorClassCode: serviceCode,
        urgency: 'normal',
        description: '王小明反映楼下井盖丢失，电话13912345678',
        location: exact,
        address: '宝力根花园3号楼2单元401',
        callerName: '王小明',
        callerPhone: '13912345678',
      },
      operator,
    );
    hotlineId = hot.caseNumber;
    const agreed = await services.cases.intake(
      {
        source: 'hotline',
        nature: 'complaint',
        minorClassCode: serviceCode,
        urgency: 'normal',
        description: '李四说路灯不亮，请回电 13800138000 或 0479-8221234',
        location: exact,
        address: '锡林大街18号',
        callerName: '李四',
        callerPhone: '13800138000',
        publicConsent: true,
      },
      operator,
    );
    consentId = agreed.caseNumber;
    const o = await post({
      description: '赵六：人行道破损，联系 15000000000',
      first_name: '六',
      last_name: '赵',
      lat: String(exact.lat),
      long: String(exact.lng),
      media_url: 'https://fms.example/p/9.jpeg',
    });
    open311Id = String(o.data[0]!['service_request_id']);
  });

  it('leaves hotline cases out of public reads unless the caller agreed to publication', async () => {
    const ids = (await json<Row[]>('GET', '/requests.json')).data.map((r) => r['service_request_id']);
    expect(ids).not.toContain(hotlineId);
    expect(ids).toContain(consentId);
    expect(ids).toContain(open311Id);
    expect((await call('GET', `/requests/${hotlineId}.json`)).status).toBe(404);
    expect((await json<Row[]>('GET', '/requests.json', { service_request_id: hotlineId })).data).toHaveLength(
      0,
    );
  });

  it('publishes only a coarse location and a description without names and phone numbers without a key', async () => {
    for (const id of [consentId, open311Id]) {
      const r = (await json<Row[]>('GET', `/requests/${id}.json`)).data[0]!;
      expect(r['lat']).not.toBe(exact.lat);
      expect(r['long']).not.toBe(exact.lng);
      expect(Math.abs(Number(r['lat']) - exact.lat)).toBeLessThan(0.02);
      expect(Math.abs(Number(r['long']) - exact.lng)).toBeLessThan(0.02);
      const text = `${String(r['description'])} ${String(r['address'])}`;
      for (const secret of ['李四', '赵六', '13800138000', '0479-8221234', '15000000000', '锡林大街18号'])
        expect(text).not.toContain(secret);
    }
  });

  it('gives a partner with an API key the exact location and the full description', async () => {
    const r = (await json<Row[]>('GET', `/requests/${consentId}.json`, { api_key: 'test-key' })).data[0]!;
    expect(r).toMatchObject({ lat: exact.lat, long: exact.lng, address: '锡林大街18号' });
    expect(r['description']).toContain('13800138000');
    const hidden = await json<Row[]>('GET', `/requests/${hotlineId}.json`, { api_key: 'test-key' });
    expect(hidden.status).toBe(200);
    expect((await json<Row[]>('GET', `/requests/${hotlineId}.json`, { api_key: 'wrong' })).status).toBe(403);
  });

  it('keeps media_url in its own column and still reads the old tagged description line', async () => {
    const rec = (await services.cases.getRecord(open311Id))!;
    expect(rec.mediaUrl).toBe('https://fms.example/p/9.jpeg');
    expect(rec.description).not.toContain('fms.example');
    expect((await json<Row[]>('GET', `/requests/${open311Id}.json`)).data[0]!['media_url']).toBe(
      'https://fms.example/p/9.jpeg',
    );
    const old = await services.cases.intake(
      {
        source: 'open311',
        nature: 'complaint',
        minorClassCode: serviceCode,
        urgency: 'normal',
        description: '旧格式\n[media_url] https://old.example/1.jpg',
        location: exact,
      },
      null,
      'Open311 old',
    );
    const r = (await json<Row[]>('GET', `/requests/${old.caseNumber}.json`)).data[0]!;
    expect(r).toMatchObject({ description: '旧格式', media_url: 'https://old.example/1.jpg' });
  });

  it('writes every datetime of every document as ISO 8601 with its offset, the changeset included', async () => {
    const docs = [
      (await json<Row>('GET', '/discovery.json')).data,
      (await json('GET', '/requests.json')).data,
      (await json('GET', '/servicerequestupdates.json')).data,
    ];
    const dates: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (/datetime|changeset|date$/.test(key) && v !== null) dates.push(String(v));
    };
    docs.forEach((d) => walk(d));
    expect(dates.length).toBeGreaterThan(3);
    for (const d of dates) expect(d).toMatch(ISO_WITH_OFFSET);
  });
});

describe('Open311 service request updates (issue 15.3)', () => {
  it('serves the case event log as request updates with the public privacy rules', async () => {
    const hotlineCaseForFeed = (
      await services.cases.intake(
        {
          source: 'hotline',
          nature: 'complaint',
          minorClassCode: serviceCode,
          urgency: 'normal',
          description: '热线来电',
          location: { lat: 43.9333, lng: 116.0833 },
        },
        operator,
      )
    ).caseNumber;
    const created = await post({ description: '钱七：垃圾桶满了 13711112222' });
    const id = String(created.data[0]!['service_request_id']);
    let rec = (await services.cases.getRecord(id))!;
    rec = (await services.cases.act(id, rec.version, { type: 'file' }, lead)).record;
    await services.cases.act(
      id,
      rec.version,
      { type: 'dispatch', unitCode, note: '请联系钱七 13711112222' },
      lead,
    );
    const res = await json<Row[]>('GET', '/servicerequestupdates.json', {
      start_date: new Date(Date.now() - 60_000).toISOString(),
      end_date: new Date().toISOString(),
    });
    expect(res.status).toBe(200);
    const mine = res.data.filter((u) => u['service_request_id'] === id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const u of mine) {
      expect(Object.keys(u).sort()).toEqual([
        'description',
        'media_url',
        'service_request_id',
        'status',
        'update_id',
        'updated_datetime',
      ]);
      expect(String(u['updated_datetime'])).toMatch(BEIJING_ISO);
      expect(String(u['description'])).not.toContain('13711112222');
    }
    expect(mine.at(-1)).toMatchObject({
      status: 'in_progress',
      description: expect.stringContaining('派遣'),
    });
    expect(res.data.map((u) => u['service_request_id'])).not.toContain(hotlineCaseForFeed);
    const xml = await call('GET', '/servicerequestupdates.xml');
    expect(xml.body).toContain('<service_request_updates>\n  <request_update>');
  });

  it('records a POSTed citizen comment as a history event of the partner app without changing the state', async () => {
    const created = await post({});
    const id = String(created.data[0]!['service_request_id']);
    const before = (await services.cases.getRecord(id))!;
    const res = await call(
      'POST',
      '/servicerequestupdates.xml',
      {},
      {
        jurisdiction_id: '152502',
        api_key: 'test-key',
        service_request_id: id,
        update_id: '4711',
        updated_datetime: '2026-11-24T10:00:00+08:00',
        status: 'CLOSED',
        description: '已经修好了，谢谢',
        first_name: 'Wang',
        last_name: 'Wu',
        email: 'w@example.org',
        media_url: 'https://fms.example/c/1.jpeg',
      },
    );
    expect(res.status).toBe(200);
    const updateId = /<update_id>(\d+)<\/update_id>/.exec(res.body)?.[1];
    expect(updateId).toBeDefined();
    const after = (await services.cases.getRecord(id))!;
    expect(after.state).toBe(before.state);
    const events = await services.cases.listEvents(after);
    const comment = events.at(-1)!;
    expect(comment).toMatchObject({
      id: Number(updateId),
      type: 'comment',
      actorRole: 'public',
      actorName: 'Open311 test',
      fromState: 'reported',
      toState: 'reported',
    });
    expect(comment.reason).toContain('CLOSED');
    expect(comment.note).toBe('已经修好了，谢谢');
    // the same update again is not a second event
    const again = await call(
      'POST',
      '/servicerequestupdates.xml',
      {},
      {
        api_key: 'test-key',
        service_request_id: id,
        update_id: '4711',
        status: 'CLOSED',
        description: '已经修好了，谢谢',
      },
    );
    expect(again.body).toContain(`<update_id>${updateId}</update_id>`);
    expect((await services.cases.listEvents(after)).length).toBe(events.length);
  });

  it('refuses updates without a key, for unknown requests and without a description, naming the field', async () => {
    const id = String((await post({})).data[0]!['service_request_id']);
    expect(
      (
        await json(
          'POST',
          '/servicerequestupdates.json',
          {},
          { service_request_id: id, description: 'x', status: 'OPEN' },
        )
      ).status,
    ).toBe(403);
    const unknown = await json<Row[]>(
      'POST',
      '/servicerequestupdates.json',
      {},
      { api_key: 'test-key', service_request_id: '19990101-0001', description: 'x', status: 'OPEN' },
    );
    expect(unknown).toMatchObject({
      status: 404,
      data: [{ description: expect.stringContaining('service_request_id') }],
    });
    const empty = await json<Row[]>(
      'POST',
      '/servicerequestupdates.json',
      {},
      { api_key: 'test-key', service_request_id: id, status: 'OPEN' },
    );
    expect(empty).toMatchObject({
      status: 400,
      data: [{ description: expect.stringContaining('description') }],
    });
    const status = await json<Row[]>(
      'POST',
      '/servicerequestupdates.json',
      {},
      { api_key: 'test-key', service_request_id: id, description: 'x', status: 'MAYBE' },
    );
    expect(status).toMatchObject({ status: 400, data: [{ description: expect.stringContaining('status') }] });
  });
});
