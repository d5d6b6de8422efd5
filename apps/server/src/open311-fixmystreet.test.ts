/**
 * Interop with FixMyStreet: a real server on listen(0), called the way FixMyStreet's Open311 client
 * (perllib/Open311.pm in mysociety/fixmystreet, with Open311/GetServiceRequests.pm and
 * Open311/GetServiceRequestUpdates.pm) calls an endpoint: the same paths, the same parameters
 * (jurisdiction_id on every call, api_key in POST bodies and on the updates feed), the same
 * urlencoded bodies, and the same reading of the XML (XML::Simple without the root element, list
 * items forced into arrays, list wrappers folded, empty elements undefined). Each step names the
 * Perl function it mirrors. The code is written here from the behaviour, not copied.
 */
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '@citygrid/api';
import { startTestServer, type TestServer } from './testing/index.ts';

const JURISDICTION = '152502';
const API_KEY = 'test-key';

/** The server's clock stands still inside one second (at .500), then moves when a step says so. */
const clock = { t: Date.parse('2026-11-24T02:15:30.500Z'), now: () => new Date(clock.t) };

type Obj = Record<string, unknown>;

// XML::Simple as Open311.pm configures it: these item tags always arrays; the list wrappers
// services/attributes/values/service_requests/errors/service_request_updates folded into them.
const GROUP_TAGS: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
  service_request_updates: 'request_update',
};
const FORCE_ARRAY = new Set(Object.values(GROUP_TAGS));
const xmlParser = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (name) => FORCE_ARRAY.has(name),
});

function fold(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fold);
  if (v === '') return undefined; // SuppressEmpty => undef
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      const item = GROUP_TAGS[k];
      out[k] =
        item && x && typeof x === 'object' && !Array.isArray(x) && item in (x as Obj)
          ? fold((x as Obj)[item])
          : fold(x);
    }
    return out;
  }
  return v;
}

/** `_get_xml_object`: the document without its root element, or undefined when it does not parse. */
function getXmlObject(xml: string | undefined): Obj | undefined {
  if (!xml) return undefined;
  try {
    const doc = xmlParser.parse(xml, true) as Obj;
    const [root] = Object.values(doc);
    const obj = fold(root);
    return obj && typeof obj === 'object' ? (obj as Obj) : {};
  } catch {
    return undefined;
  }
}

/** DateTime::Format::W3CDTF->format_datetime of a UTC DateTime without nanoseconds. */
const w3cdtfUtc = (ms: number) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
/** Utils::truncate_coordinate: six decimals, trailing zeros dropped. */
const truncateCoordinate = (v: number) => v.toFixed(6).replace(/\.?0+$/, '');

/** The subset of Open311.pm's object used here: endpoint, jurisdiction, api_key; success and error. */
class Open311Client {
  success = false;
  error = '';
  constructor(
    readonly endpoint: string,
    readonly jurisdiction: string,
    readonly apiKey: string,
  ) {}

  /** `_request`: jurisdiction_id always, api_key on POST; GET params in the query, POST urlencoded. */
  async request(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string> = {},
  ): Promise<string | undefined> {
    const uri = new URL(this.endpoint);
    uri.pathname = uri.pathname + path;
    const all: Record<string, string> = { ...params };
    if (this.jurisdiction) all['jurisdiction_id'] = this.jurisdiction;
    if (method === 'POST' && this.apiKey) all['api_key'] = this.apiKey;
    let res: Response;
    if (method === 'GET') {
      for (const [k, v] of Object.entries(all)) uri.searchParams.set(k, v);
      res = await fetch(uri);
    } else {
      res = await fetch(uri, { method, body: new URLSearchParams(all) });
    }
    const text = await res.text();
    if (res.ok) {
      this.success = true;
      return text;
    }
    this.success = false;
    this.error = `request failed: ${res.status}\nerror: ${this.processError(text)}`;
    return undefined;
  }

  /** `_process_error`: "code: description" per error of the list. */
  processError(xml: string): string {
    const obj = getXmlObject(xml);
    const errors = (obj?.['error'] as Obj[] | undefined) ?? [];
    return (
      errors
        .map((e) => `${String(e['code'] ?? '???')}: ${String(e['description'] ?? 'unknown error')}\n`)
        .join('') || 'unknown error'
    );
  }

  /** get_service_list */
  async getServiceList() {
    const xml = await this.request('GET', 'services.xml');
    return xml ? getXmlObject(xml) : undefined;
  }

  /** get_service_meta_info */
  async getServiceMetaInfo(serviceId: string) {
    return getXmlObject(await this.request('GET', `services/${serviceId}.xml`));
  }

  /** send_service_request (the params of _populate_service_request_params) */
  async sendServiceRequest(params: Record<string, string>): Promise<string | 0> {
    const response = await this.request('POST', 'requests.xml', params);
    const obj = getXmlObject(response);
    const first = (obj?.['request'] as Obj[] | undefined)?.[0];
    const id = first?.['service_request_id'];
    if (typeof id === 'string') return id;
    const token = first?.['token'];
    if (typeof token === 'string') return this.getServiceRequestIdFromToken(token);
    return 0;
  }

  /** get_service_request_id_from_token */
  async getServiceRequestIdFromToken(token: string): Promise<string | 0> {
    const obj = getXmlObject(await this.request('GET', `tokens/${token}.xml`));
    const id = (obj?.['request'] as Obj[] | undefined)?.[0]?.['service_request_id'];
    return typeof id === 'string' ? id : 0;
  }

  /** get_service_requests */
  async getServiceRequests(args: Record<string, string>) {
    return getXmlObject(await this.request('GET', 'requests.xml', args));
  }

  /** get_service_request_updates: api_key in the query, both dates or neither */
  async getServiceRequestUpdates(startDate: string, endDate: string) {
    const obj = getXmlObject(
      await this.request('GET', 'servicerequestupdates.xml', {
        api_key: this.apiKey,
        start_date: startDate,
        end_date: endDate,
      }),
    );
    return obj?.['request_update'] as Obj[] | undefined;
  }

  /** post_service_request_update (the params of _populate_service_request_update_params) */
  async postServiceRequestUpdate(params: Record<string, string>): Promise<string | 0> {
    const obj = getXmlObject(await this.request('POST', 'servicerequestupdates.xml', params));
    const updateId = (obj?.['request_update'] as Obj[] | undefined)?.[0]?.['update_id'];
    return typeof updateId === 'string' ? updateId : 0;
  }

  /** map_state: lower case, underscores to spaces, the few renamed states */
  mapState(incoming: string): string {
    const s = incoming.toLowerCase().replace(/_/g, ' ');
    const renamed: Record<string, string> = {
      fixed: 'fixed - council',
      'not councils responsibility': 'not responsible',
      'no further action': 'unable to fix',
      open: 'confirmed',
      closed: 'fixed - council',
    };
    return renamed[s] ?? s;
  }
}

/** FixMyStreet's visible problem states, which an update's state must be one of to count. */
const FMS_VISIBLE_STATES = [
  'confirmed',
  'investigating',
  'in progress',
  'action scheduled',
  'fixed',
  'fixed - council',
  'fixed - user',
  'closed',
  'duplicate',
  'not responsible',
  'unable to fix',
  'internal referral',
];

let server: TestServer;
let o: Open311Client;
let serviceCode: string;
let requestId: string;

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  // a body's endpoint ends in "/": Open311.pm appends "services.xml" etc. to the path
  o = new Open311Client(`${server.url}/open311/v2/`, JURISDICTION, API_KEY);
});

afterAll(async () => {
  await server?.stop();
});

describe('FixMyStreet Open311 client against a live citygrid endpoint', () => {
  it('get_service_list: reads every service with its code, name, group and metadata flag', async () => {
    const obj = await o.getServiceList();
    expect(o.success).toBe(true);
    const list = obj?.['service'] as Obj[];
    expect(list.length).toBe(server.services.reference.snapshot.minorClasses.length);
    for (const s of list) {
      expect(s).toMatchObject({
        service_code: expect.any(String),
        service_name: expect.any(String),
        metadata: 'true',
        type: 'realtime',
        group: expect.any(String),
      });
    }
    serviceCode = String(list[0]!['service_code']);
  });

  it('get_service_meta_info: reads the attributes with their values, and the rule for unknown codes', async () => {
    const obj = (await o.getServiceMetaInfo(serviceCode))!;
    expect(obj['service_code']).toBe(serviceCode);
    const attributes = obj['attributes'] as Obj[];
    expect(attributes.map((a) => a['code'])).toEqual(['nature', 'urgency']);
    const nature = attributes[0]!;
    expect(nature).toMatchObject({
      variable: 'true',
      datatype: 'singlevaluelist',
      required: 'false',
      datatype_description: undefined,
    });
    expect((nature['values'] as Obj[]).map((v) => v['key'])).toEqual([
      'complaint',
      'enquiry',
      'help',
      'report',
      'suggestion',
      'praise',
    ]);
    expect(String(obj['description'])).toContain('Unknown attribute codes are ignored');
  });

  it('send_service_request with attributes: gets the case number back at once', async () => {
    const id = await o.sendServiceRequest({
      description: '井盖缺失\n\n小区门口的井盖不见了，很危险\n\nhttps://fms.example/report/42\n',
      service_code: serviceCode,
      first_name: 'Wang',
      last_name: 'Fang',
      email: 'wang.fang@example.org',
      phone: '13912345678',
      lat: truncateCoordinate(43.9337123),
      long: truncateCoordinate(116.0813456),
      media_url: 'https://fms.example/photo/42.0.full.jpeg',
      'attribute[nature]': 'help',
      'attribute[urgency]': 'urgent',
      'attribute[title]': '井盖缺失', // an extra FixMyStreet field: an unknown code, ignored
    });
    expect(id).toMatch(/^\d{8}-\d{4}$/);
    requestId = String(id);
    const rec = (await server.services.cases.getRecord(requestId))!;
    expect(rec).toMatchObject({
      source: 'open311',
      nature: 'help',
      urgency: 'urgent',
      mediaUrl: 'https://fms.example/photo/42.0.full.jpeg',
      state: 'reported',
    });
  });

  it('get_service_request_id_from_token: resolves the token of a request still awaiting verification', async () => {
    const rec = (await server.services.cases.getRecord(requestId))!;
    expect(rec.state).toBe('reported');
    expect(await o.getServiceRequestIdFromToken(rec.open311Token!)).toBe(requestId);
    expect(await o.getServiceRequestIdFromToken('not-a-token')).toBe(0);
    expect(o.error).toContain('404: token');
  });

  it('get_service_requests with a window ending now: finds the request created in the same second, inside the window by its own check', async () => {
    // Open311::GetServiceRequests: the last hour, formatted to the second, ending now
    const args = { start_date: w3cdtfUtc(clock.t - 3_600_000), end_date: w3cdtfUtc(clock.t) };
    const obj = await o.getServiceRequests(args);
    const requests = (obj?.['request'] as Obj[] | undefined) ?? [];
    const mine = requests.find((r) => r['service_request_id'] === requestId);
    expect(mine).toBeDefined();
    // its own tests: id, lat and long present; updated_datetime parses and, in UTC, lies within the window
    expect(mine!['lat']).toBeDefined();
    expect(mine!['long']).toBeDefined();
    const updated = w3cdtfUtc(Date.parse(String(mine!['updated_datetime'])));
    expect(updated >= args.start_date && updated <= args.end_date).toBe(true);
    // no api_key on a GET: the public view, with the reporter's name and phone number kept out
    expect(String(mine!['description'])).not.toContain('13912345678');
    expect(Number(mine!['lat'])).not.toBe(43.933712);
  });

  it('get_service_request_updates: reads the case history as updates FixMyStreet accepts', async () => {
    const lead = (await server.services.users.findByUsername('lead'))!;
    const user: SessionUser = {
      id: lead.id,
      username: lead.username,
      displayName: lead.displayName,
      role: 'shift_lead',
      unitCode: null,
    };
    clock.t += 60_000;
    const filed = await server.services.cases.act(
      requestId,
      (await server.services.cases.getRecord(requestId))!.version,
      { type: 'file' },
      user,
    );
    clock.t += 60_000;
    const unitCode = server.services.reference.minorClass(filed.record.minorClassCode).defaultUnitCodes[0]!;
    await server.services.cases.act(requestId, filed.record.version, { type: 'dispatch', unitCode }, user);
    clock.t += 1_000;

    // Open311::GetServiceRequestUpdates: the last two hours ending now
    const start = w3cdtfUtc(clock.t - 2 * 3_600_000);
    const end = w3cdtfUtc(clock.t);
    const updates = await o.getServiceRequestUpdates(start, end);
    expect(o.success).toBe(true);
    const mine = (updates ?? []).filter((u) => u['service_request_id'] === requestId);
    expect(mine.map((u) => o.mapState(String(u['status'])))).toEqual(['action scheduled', 'in progress']);
    for (const u of mine) {
      expect(u['update_id']).toMatch(/^\d+$/);
      const updated = w3cdtfUtc(Date.parse(String(u['updated_datetime'])));
      expect(updated >= start && updated <= end).toBe(true);
      expect(FMS_VISIBLE_STATES).toContain(o.mapState(String(u['status'])));
      expect(String(u['description'])).not.toBe('');
    }
    expect(String(mine[1]!['description'])).toContain('派遣');
  });

  it("post_service_request_update: a citizen's comment lands in the case history without changing its state", async () => {
    const before = (await server.services.cases.getRecord(requestId))!;
    const updateId = await o.postServiceRequestUpdate({
      updated_datetime: '2026-11-24T10:20:00+08:00',
      service_request_id: requestId,
      status: 'CLOSED',
      description: '井盖已经装好了',
      last_name: 'Fang',
      first_name: 'Wang',
      email: 'wang.fang@example.org',
      update_id: '9001',
      media_url: 'https://fms.example/photo/c9001.jpeg',
    });
    expect(updateId).toMatch(/^\d+$/);
    const after = (await server.services.cases.getRecord(requestId))!;
    expect(after.state).toBe(before.state);
    const event = (await server.services.cases.listEvents(after)).at(-1)!;
    expect(event).toMatchObject({
      id: Number(updateId),
      type: 'comment',
      actorRole: 'public',
      actorName: 'Open311 demo',
      note: '井盖已经装好了',
    });
    expect(event.reason).toContain('CLOSED');
    // FixMyStreet does not read its own comments back as new updates
    const updates = await o.getServiceRequestUpdates(w3cdtfUtc(clock.t - 3_600_000), w3cdtfUtc(clock.t));
    expect((updates ?? []).map((u) => u['update_id'])).not.toContain(updateId);
  });

  it('error cases: each failure is an error list FixMyStreet reads, naming the field', async () => {
    const wrongKey = new Open311Client(o.endpoint, JURISDICTION, 'wrong-key');
    expect(
      await wrongKey.sendServiceRequest({
        service_code: serviceCode,
        lat: '43.93',
        long: '116.08',
        description: 'x',
      }),
    ).toBe(0);
    expect(wrongKey.error).toMatch(/^request failed: 403\nerror: 403: api_key/);

    expect(
      await o.sendServiceRequest({
        service_code: serviceCode,
        lat: truncateCoordinate(41.8781),
        long: truncateCoordinate(-87.6298),
        description: 'Chicago',
      }),
    ).toBe(0);
    expect(o.error).toContain("400: lat/long 41.8781,-87.6298 is outside Xilinhot's service area");

    const otherCity = new Open311Client(o.endpoint, 'chicago.gov', API_KEY);
    expect(await otherCity.getServiceList()).toBeUndefined();
    expect(otherCity.error).toContain('400: jurisdiction_id chicago.gov');

    expect(
      await o.sendServiceRequest({
        service_code: serviceCode,
        lat: '43.93',
        long: '116.08',
        'attribute[urgency]': 'asap',
      }),
    ).toBe(0);
    expect(o.error).toContain('400: attribute[urgency]');

    expect(
      await o.postServiceRequestUpdate({
        service_request_id: '19990101-0001',
        status: 'OPEN',
        description: 'x',
        update_id: '1',
      }),
    ).toBe(0);
    expect(o.error).toContain('404: service_request_id');

    const json = await fetch(`${o.endpoint}no-such-thing.json`);
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual([{ code: 404, description: expect.stringContaining('no-such-thing') }]);
  });
});
