/**
 * The Open311 endpoint over real HTTP, its JSON checked against the public GeoReport v2 JSON
 * Schemas (draft-04 documents without `$schema`; they use nothing draft-07 reads differently) and
 * its XML checked for well-formedness and for carrying the same values as the JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { FormatsPlugin } from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/index.ts';

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'open311-schemas');
const SCHEMA_BASE = 'https://schemas.open311.invalid/georeport-v2/';

// ajv-formats is CommonJS whose types describe an ES default export: load it as CommonJS
const addFormats = createRequire(import.meta.url)('ajv-formats') as FormatsPlugin;

let server: TestServer;
let base: string;
const validators = new Map<string, ValidateFunction>();

function validate(schema: string, data: unknown): void {
  const v = validators.get(schema)!;
  const ok = v(data);
  expect(ok, JSON.stringify(v.errors)).toBe(true);
}

async function getJson(path: string): Promise<{ status: number; type: string | null; data: unknown }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), data: await res.json() };
}

async function getXml(path: string): Promise<string> {
  const res = await fetch(`${base}${path}`);
  expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const text = await res.text();
  expect(XMLValidator.validate(text)).toBe(true);
  return text;
}

beforeAll(async () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const name of [
    'service.json',
    'services.json',
    'service-definition.json',
    'request.json',
    'requests.json',
  ]) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: `${SCHEMA_BASE}${name}` });
  }
  for (const name of ['services.json', 'service-definition.json', 'requests.json'])
    validators.set(name, ajv.getSchema(`${SCHEMA_BASE}${name}`)!);
  server = await startTestServer();
  base = `${server.url}/open311/v2`;
});

afterAll(async () => {
  await server?.stop();
});

describe('the repository is self-contained', () => {
  it('reads no file from a shared folder outside the repository at build, run or test time', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    // built from parts so that this test does not find itself
    const outside = new RegExp(['(\\.\\./)+', 'shared', '\\b'].join('') + '|/work/' + 'shared');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', 'dist', '.turbo', '.git', 'test-results', 'data', '.cache'].includes(entry.name))
          continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (
          /\.(ts|tsx|mts|cts|js|mjs|cjs|json|ya?ml)$/.test(entry.name) &&
          outside.test(readFileSync(path, 'utf8'))
        )
          offenders.push(relative(root, path));
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});

describe('Open311 responses against the GeoReport v2 JSON Schemas', () => {
  it('serves a service list and a service definition that match their schemas', async () => {
    const list = await getJson('/services.json');
    expect(list.status).toBe(200);
    expect(list.type).toBe('application/json; charset=utf-8');
    validate('services.json', list.data);
    const code = (list.data as Array<{ service_code: string }>)[0]!.service_code;
    const def = await getJson(`/services/${code}.json`);
    validate('service-definition.json', def.data);
    const xml = new XMLParser({ parseTagValue: false }).parse(await getXml('/services.xml')) as {
      services: { service: Array<{ service_code: string }> };
    };
    expect(xml.services.service[0]!.service_code).toBe(code);
  });

  it('creates a request by urlencoded POST and reads it back as schema-valid JSON and matching XML', async () => {
    const services = (await getJson('/services.json')).data as Array<{ service_code: string }>;
    const form = new URLSearchParams({
      api_key: 'test-key',
      service_code: services[0]!.service_code,
      lat: '43.9333',
      long: '116.0833',
      address_string: '额尔敦路 & 锡林大街',
      description: '路灯不亮 <夜间>',
      media_url: 'https://example.cn/p/2.jpg',
      'attribute[nature]': 'report',
    });
    const res = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form,
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as Array<{ service_request_id: string }>;
    const id = created[0]!.service_request_id;

    const one = await getJson(`/requests/${id}.json`);
    validate('requests.json', one.data);
    const many = await getJson('/requests.json?status=open');
    validate('requests.json', many.data);
    expect((many.data as Array<{ service_request_id: string }>).map((r) => r.service_request_id)).toContain(
      id,
    );

    // the partner's view (API key) carries the exact address; the public's is coarsened to the community
    const partner = await getJson(`/requests/${id}.json?api_key=test-key`);
    validate('requests.json', partner.data);
    const xml = new XMLParser({ parseTagValue: false }).parse(
      await getXml(`/requests/${id}.xml?api_key=test-key`),
    ) as { service_requests: { request: Record<string, string> } };
    const json = (partner.data as Array<Record<string, unknown>>)[0]!;
    expect(xml.service_requests.request['service_request_id']).toBe(id);
    expect(xml.service_requests.request['description']).toBe(json['description']);
    expect(xml.service_requests.request['requested_datetime']).toBe(json['requested_datetime']);
    expect(xml.service_requests.request['address']).toBe('额尔敦路 & 锡林大街');
  });

  it('answers errors as a {code, description} list over HTTP with 400, 403 and 404', async () => {
    const forbidden = await fetch(`${base}/requests.xml`, {
      method: 'POST',
      body: new URLSearchParams({ service_code: 'x' }),
    });
    expect(forbidden.status).toBe(403);
    const text = await forbidden.text();
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain('<errors>');
    const missing = await getJson('/requests/19990101-0001.json');
    expect(missing).toMatchObject({ status: 404, data: [{ code: 404 }] });
    const badDate = await getJson('/requests.json?start_date=soon');
    expect(badDate).toMatchObject({
      status: 400,
      data: [{ code: 400, description: expect.stringContaining('start_date') }],
    });
  });
});
