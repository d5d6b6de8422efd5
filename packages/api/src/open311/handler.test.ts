import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, ReferenceStore, type CitygridDatabase } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import { seedReferenceData } from '../seed/reference.ts';
import { sha256 } from '../services/auth-service.ts';
import { createServices, type Services } from '../services/index.ts';
import { handleOpen311, type Open311Request } from './handler.ts';

const BASE = 'http://localhost/open311/v2';
const BEIJING_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const lead: SessionUser = { id: 1, username: 'lead', displayName: '值班长', role: 'shift_lead', unitCode: null };

let dir: string;
let database: CitygridDatabase;
let services: Services;
let serviceCode: string;
let serviceName: string;
let unitCode: string;
let unitName: string;

function call(method: string, path: string, query: Open311Request['query'] = {}, body: Record<string, unknown> = {}) {
  return handleOpen311(services, { method, path, query, body, baseUrl: BASE });
}
async function json<T = unknown>(method: string, path: string, query: Open311Request['query'] = {}, body: Record<string, unknown> = {}) {
  const res = await call(method, path, query, body);
  return { status: res.status, contentType: res.contentType, data: JSON.parse(res.body) as T };
}
type Row = Record<string, unknown>;

const post = (fields: Record<string, unknown>) =>
  json<Row[]>('POST', '/requests.json', {}, { api_key: 'test-key', service_code: serviceCode, lat: '43.9333', long: '116.0833', ...fields });

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
    expect(data).toMatchObject({ endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: BASE, type: 'production', formats: ['text/xml', 'application/json'] }] });
    expect(typeof data['changeset']).toBe('string');
    const xml = await call('GET', '/discovery.xml');
    expect(xml.contentType).toBe('text/xml; charset=utf-8');
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<discovery>/);
    expect(xml.body).toContain('<formats>\n        <format>text/xml</format>\n        <format>application/json</format>\n      </formats>');
  });

  it('lists one realtime service per minor class with its hotline category as group', async () => {
    const { status, data } = await json<Row[]>('GET', '/services.json');
    expect(status).toBe(200);
    expect(data).toHaveLength(services.reference.snapshot.minorClasses.length);
    const m = services.reference.snapshot.minorClasses[0]!;
    const group = services.reference.snapshot.hotlineCategories.find((c) => c.code === m.hotlineCategory)!.name;
    expect(data[0]).toEqual({ service_code: m.code, service_name: m.name, description: m.filingCriteria, metadata: true, type: 'realtime', keywords: m.keywords.join(','), group });
    const xml = await call('GET', '/services.xml');
    expect(xml.body).toContain(`<services>\n  <service>\n    <service_code>${m.code}</service_code>`);
    expect(xml.body.match(/<service>/g)).toHaveLength(data.length);
  });

  it('defines nature and urgency attributes with Chinese value names', async () => {
    const { status, data } = await json<{ service_code: string; attributes: Array<Row & { values: Row[] }> }>('GET', `/services/${serviceCode}.json`);
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
    expect(data.attributes.find((a) => a['code'] === 'urgency')!.values.map((v) => v['key'])).toEqual(['normal', 'urgent']);
    const xml = await call('GET', `/services/${serviceCode}.xml`);
    expect(xml.body).toContain('<service_definition>');
    expect(xml.body).toContain('<value>\n          <key>complaint</key>\n          <name>投诉</name>\n        </value>');
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
    const { status, data } = await json<Row[]>('POST', '/requests.json', {}, { service_code: serviceCode, lat: '43.93', long: '116.08' });
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
    expect((await post({ 'attribute[nature]': 'rant' })).data[0]!['description']).toContain('attribute[nature]');
    expect((await post({ attribute: { urgency: 'now' } })).data[0]!['description']).toContain('attribute[urgency]');
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
    expect(created.data[0]).not.toHaveProperty('token');

    const record = (await services.cases.getRecord(id))!;
    expect(record).toMatchObject({ source: 'open311', state: 'reported', nature: 'help', urgency: 'urgent', callerName: '张三', callerPhone: '13800000000', reporterEmail: 'zhang@example.cn' });

    const before = await json<Row[]>('GET', `/requests/${id}.json`);
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
    const res = await call('POST', '/requests.xml', {}, { api_key: 'test-key', service_code: serviceCode, address_id: 'A-17' });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<service_requests>\n {2}<request>\n {4}<service_request_id>\d{8}-\d{4}<\/service_request_id>/);
    expect(res.body).toContain('<account_id/>');
  });

  it('resolves a token of tok- plus the case number, and 404s unknown tokens', async () => {
    const id = String((await post({})).data[0]!['service_request_id']);
    const { status, data } = await json<Row[]>('GET', `/tokens/tok-${id}.json`);
    expect(status).toBe(200);
    expect(data).toEqual([{ service_request_id: id, token: `tok-${id}` }]);
    expect((await call('GET', '/tokens/tok-19990101-0001.json')).status).toBe(404);
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
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: expect.stringContaining('非城管职责'), expected_datetime: null });
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
    expect(p1.map((r) => r['service_request_id'])).toEqual(all.slice(0, 2).map((r) => r['service_request_id']));
    expect(p2.map((r) => r['service_request_id'])).toEqual(all.slice(2, 4).map((r) => r['service_request_id']));
    expect((await json<Row[]>('GET', '/requests.json', { page_size: '1001' })).status).toBe(400);
    expect((await json<Row[]>('GET', '/requests.json', { page: '0' })).data[0]!['description']).toContain('page');
  });

  it('filters by service_request_id list, service_code list and date window', async () => {
    const all = (await json<Row[]>('GET', '/requests.json')).data;
    const ids = all.slice(0, 2).map((r) => String(r['service_request_id']));
    const byId = (await json<Row[]>('GET', '/requests.json', { service_request_id: `${ids[0]},${ids[1]},19990101-0001`, status: 'closed' })).data;
    expect(byId.map((r) => r['service_request_id'])).toEqual(ids);
    const other = services.reference.snapshot.minorClasses[1]!.code;
    expect((await json<Row[]>('GET', '/requests.json', { service_code: `${serviceCode},${other}` })).data).toHaveLength(all.length);
    expect((await json<Row[]>('GET', '/requests.json', { service_code: other })).data).toHaveLength(0);
    expect((await json<Row[]>('GET', '/requests.json', { start_date: '2020-01-01T00:00:00Z', end_date: '2020-02-01T00:00:00+08:00' })).data).toHaveLength(0);
    const start = new Date(Date.now() - 3_600_000).toISOString();
    expect((await json<Row[]>('GET', '/requests.json', { start_date: start })).data).toHaveLength(all.length);
    expect((await call('GET', '/requests.json', { start_date: 'yesterday' })).status).toBe(400);
    expect((await call('GET', '/requests.json', { start_date: '2020-01-01', end_date: '2020-06-01' })).status).toBe(400);
    expect(all.every((r) => BEIJING_ISO.test(String(r['requested_datetime'])))).toBe(true);
  });

  it('never answers 5xx to random paths, queries and bodies', async () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('', 'open', 'closed', '1', '0', '-1', '1e9', 'NaN', '2026-13-45', 'test-key', serviceCode, 'a,b,,c'));
    const path = fc.oneof(
      fc.constantFrom('/discovery.json', '/services.xml', `/services/${serviceCode}.json`, '/requests.json', '/requests.xml', '/requests/x.json', '/tokens/tok-.xml', '/', '/requests', '/requests.JSON'),
      fc.string().map((s) => `/${s}`),
      fc.tuple(fc.constantFrom('services', 'requests', 'tokens'), fc.string(), fc.constantFrom('json', 'xml', 'csv')).map(([r, id, f]) => `/${r}/${encodeURIComponent(id)}.${f}`),
    );
    const keys = fc.constantFrom('api_key', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'description', 'email', 'phone', 'media_url', 'first_name', 'attribute[nature]', 'attribute[urgency]', 'status', 'page', 'page_size', 'start_date', 'end_date', 'service_request_id');
    const value = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), path, fc.dictionary(keys, fc.oneof(text, fc.array(text, { maxLength: 3 }))), fc.dictionary(keys, value), async (method, p, query, body) => {
        const res = await call(method, p, query, { api_key: 'test-key', ...body });
        expect(res.status).toBeLessThan(500);
        if (res.contentType.startsWith('application/json')) expect(() => JSON.parse(res.body) as unknown).not.toThrow();
        else expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
