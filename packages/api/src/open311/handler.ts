/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over citygrid's case service.
 *
 * Paths are relative to the endpoint (`/open311/v2`): discovery, services, services/{code},
 * requests (GET, POST), requests/{id}, tokens/{token}; each ends in `.xml` or `.json`.
 * Requests get their case number synchronously (service type `realtime`), so POST returns
 * `service_request_id`. Tokens exist for clients that always ask: the token of a request is
 * `tok-` + its case number, and GET tokens/{token} resolves it.
 * Errors are always a list of {code, description} with HTTP 400, 403 or 404; the description
 * names the offending field.
 */
import { isDomainError, normalizePhoneNumber, type CaseState, type DomainError } from '@citygrid/domain';
import type { CaseFilter, CaseRecord } from '@citygrid/db';
import type { Services } from '../services/index.ts';
import { REQUEST_NATURES, type RequestNature } from '../services/case-service.ts';
import {
  CLOSED_STATES,
  joinMediaUrl,
  NATURE_NAMES,
  OPEN311_OPEN_STATES,
  parseW3cDatetime,
  serviceNotice,
  toOpen311Request,
  URGENCY_NAMES,
  type Open311ServiceRequest,
} from './mapping.ts';
import { toXmlDocument, type XmlValue } from './xml.ts';

export interface Open311Request {
  method: string;
  /** e.g. '/requests.json', relative to /open311/v2 */
  path: string;
  query: Record<string, string | string[] | undefined>;
  /** urlencoded or JSON POST body */
  body: Record<string, unknown>;
  baseUrl: string;
}
export interface Open311Response {
  status: number;
  contentType: string;
  body: string;
}

type Format = 'xml' | 'json';

export const OPEN311_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** Bump when the service list or definitions change shape (sortable, per Service Discovery). */
export const OPEN311_CHANGESET = '2026-01-01 00:00';
export const TOKEN_PREFIX = 'tok-';
const MAX_DESCRIPTION = 4000;
const DEFAULT_WINDOW_DAYS = 90;
const MAX_PAGE_SIZE = 1000;
const MAX_IDS = 1000;
const DAY_MS = 86_400_000;
/** Nature given to requests that do not say (市民反映问题 is most often a complaint). */
const DEFAULT_NATURE: RequestNature = 'complaint';

const CONTENT_TYPES: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** A GeoReport error: HTTP status plus the {code, description} entries of the body. */
class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    description: string,
  ) {
    super(description);
  }
}
const bad = (description: string) => new Open311Error(400, description);

function respond(format: Format, status: number, root: string, value: XmlValue): Open311Response {
  const body = format === 'json' ? JSON.stringify(value) : toXmlDocument(root, value);
  return { status, contentType: CONTENT_TYPES[format], body };
}

function errorResponse(format: Format, status: number, description: string): Open311Response {
  return respond(format, status, 'errors', [{ code: status, description }]);
}

function domainStatus(e: DomainError): 400 | 403 | 404 {
  if (e.code === 'FORBIDDEN' || e.code === 'UNAUTHENTICATED') return 403;
  if (e.code === 'NOT_FOUND') return 404;
  return 400;
}

// --- reading parameters --------------------------------------------------------------------------

/** A query parameter as one string: repeated parameters are joined with commas (list fields). */
function queryValue(q: Open311Request['query'], name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(',') : v;
  // "Optional" per spec: an empty parameter is the same as an absent one
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}

/** A body field as a string; numbers and booleans are accepted from JSON bodies. */
function bodyValue(body: Record<string, unknown>, name: string): string | undefined {
  const v = Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(`${name} must be a single value`);
}

/** `attribute[code]=value` (urlencoded) or `{"attribute": {"code": "value"}}` (JSON). */
function attributeValue(body: Record<string, unknown>, code: string): string | undefined {
  const flat = bodyValue(body, `attribute[${code}]`);
  if (flat !== undefined) return flat;
  const nested = body['attribute'];
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) return bodyValue(nested as Record<string, unknown>, code);
  return undefined;
}

function commaList(s: string | undefined): string[] {
  return s ? [...new Set(s.split(',').map((x) => x.trim()).filter((x) => x !== ''))] : [];
}

function positiveInt(s: string | undefined, name: string, fallback: number, max: number): number {
  if (s === undefined) return fallback;
  if (!/^\d{1,9}$/.test(s)) throw bad(`${name} must be a positive integer`);
  const n = Number(s);
  if (n < 1 || n > max) throw bad(`${name} must be between 1 and ${max}`);
  return n;
}

// --- routing -------------------------------------------------------------------------------------

interface Route {
  resource: string;
  id: string | null;
  format: Format;
}

const RESOURCES = new Set(['discovery', 'services', 'requests', 'tokens']);

function parsePath(path: string): Route | Open311Response {
  const m = /^\/([a-z_]+)(?:\/([^/]+))?\.([^./]+)$/i.exec(path) ?? /^\/([a-z_]+)(?:\/([^/]+))?()$/i.exec(path);
  const resource = m?.[1];
  if (!m || !resource || !RESOURCES.has(resource) || (m[2] !== undefined && (resource === 'discovery' || m[2] === ''))) {
    return errorResponse('xml', 404, `no such resource ${path.slice(0, 200)}`);
  }
  const ext = (m[3] ?? '').toLowerCase();
  if (ext !== 'xml' && ext !== 'json') {
    return errorResponse('xml', 400, ext === '' ? 'format required: append .xml or .json to the resource' : `format ${ext.slice(0, 20)} is not supported: use .xml or .json`);
  }
  let id: string | null = null;
  if (m[2] !== undefined) {
    try {
      id = decodeURIComponent(m[2]);
    } catch {
      return errorResponse(ext, 400, 'the id in the URL is not valid percent-encoding');
    }
  }
  return { resource, id, format: ext };
}

export async function handleOpen311(services: Services, req: Open311Request): Promise<Open311Response> {
  const route = parsePath(req.path);
  if (!('resource' in route)) return route;
  const { resource, id, format } = route;
  const method = req.method.toUpperCase();
  const isRead = method === 'GET' || method === 'HEAD';
  try {
    if (resource === 'requests' && id === null && method === 'POST') return await postRequest(services, req, format);
    if (!isRead) throw bad(`method ${method.slice(0, 10)} is not allowed on ${resource}${id === null ? '' : '/{id}'}`);
    switch (resource) {
      case 'discovery':
        return respond(format, 200, 'discovery', discovery(req.baseUrl));
      case 'services':
        return id === null ? respond(format, 200, 'services', serviceList(services)) : respond(format, 200, 'service_definition', serviceDefinition(services, id));
      case 'tokens':
        return await getToken(services, id ?? '', format);
      default:
        return id === null ? await listRequests(services, req, format) : await getRequest(services, id, format);
    }
  } catch (e) {
    if (e instanceof Open311Error) return errorResponse(format, e.status, e.message);
    if (isDomainError(e)) {
      const field = typeof e.details.field === 'string' ? `${e.details.field}: ` : '';
      return errorResponse(format, domainStatus(e), `${field}${e.message}`);
    }
    throw e;
  }
}

// --- discovery and services ----------------------------------------------------------------------

function discovery(baseUrl: string) {
  return {
    changeset: OPEN311_CHANGESET,
    contact: '锡林浩特市 12319 城市服务热线指挥中心 Xilinhot 12319 urban-services hotline command center: call 12319',
    key_service: 'API 密钥由 12319 指挥中心管理员发放 API keys are issued by the 12319 command center administrators on request',
    endpoints: [
      {
        specification: OPEN311_SPECIFICATION,
        url: baseUrl,
        changeset: OPEN311_CHANGESET,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

function serviceList(services: Services) {
  const snap = services.reference.snapshot;
  const groups = new Map(snap.hotlineCategories.map((c) => [c.code, c.name]));
  return snap.minorClasses.map((m) => ({
    service_code: m.code,
    service_name: m.name,
    description: m.filingCriteria,
    metadata: true,
    type: 'realtime',
    keywords: m.keywords.join(','),
    group: groups.get(m.hotlineCategory) ?? m.hotlineCategory,
  }));
}

function findService(services: Services, code: string) {
  const m = services.reference.snapshot.minorClasses.find((c) => c.code === code);
  if (!m) throw new Open311Error(404, `service_code ${code.slice(0, 50)} not found`);
  return m;
}

function serviceDefinition(services: Services, code: string) {
  const m = findService(services, code);
  return {
    service_code: m.code,
    attributes: [
      {
        variable: true,
        code: 'nature',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: null,
        order: 1,
        description: `诉求性质 Nature of the request (default ${NATURE_NAMES[DEFAULT_NATURE]} ${DEFAULT_NATURE})`,
        values: REQUEST_NATURES.map((n) => ({ key: n, name: NATURE_NAMES[n] })),
      },
      {
        variable: true,
        code: 'urgency',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: null,
        order: 2,
        description: '紧急程度 Urgency (default 一般 normal)',
        values: (['normal', 'urgent'] as const).map((u) => ({ key: u, name: URGENCY_NAMES[u] })),
      },
    ],
  };
}

// --- POST requests -------------------------------------------------------------------------------

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

function parseCoordinate(s: string, name: 'lat' | 'long', max: number): number {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) throw bad(`${name} must be a decimal number (WGS84)`);
  const n = Number(s);
  if (!Number.isFinite(n) || Math.abs(n) > max) throw bad(`${name} must be between -${max} and ${max}`);
  return n;
}

function optionalText(body: Record<string, unknown>, name: string, max: number): string | null {
  const v = bodyValue(body, name);
  if (v === undefined) return null;
  if (v.length > max) throw bad(`${name} is longer than ${max} characters`);
  return v;
}

async function postRequest(services: Services, req: Open311Request, format: Format): Promise<Open311Response> {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
  const apiKey = bodyValue(body, 'api_key') ?? queryValue(req.query, 'api_key');
  if (!apiKey) throw new Open311Error(403, 'api_key is required to create a request');
  const client = await services.auth.checkApiKey(apiKey);
  if (!client) throw new Open311Error(403, "Invalid api_key received -- can't proceed with create_request.");

  const serviceCode = bodyValue(body, 'service_code');
  if (!serviceCode) throw bad('service_code is required');
  const m = findService(services, serviceCode);

  const latS = bodyValue(body, 'lat');
  const longS = bodyValue(body, 'long');
  if ((latS === undefined) !== (longS === undefined)) throw bad('lat and long must be sent together');
  const location = latS !== undefined && longS !== undefined ? { lat: parseCoordinate(latS, 'lat', 90), lng: parseCoordinate(longS, 'long', 180) } : null;
  const addressString = optionalText(body, 'address_string', 500);
  const addressId = optionalText(body, 'address_id', 100);
  if (!location && !addressString && !addressId) throw bad('lat/long, address_string or address_id required');

  const description = optionalText(body, 'description', MAX_DESCRIPTION);
  const email = optionalText(body, 'email', 254);
  if (email && !EMAIL.test(email)) throw bad('email is not a valid e-mail address');
  const firstName = optionalText(body, 'first_name', 50);
  const lastName = optionalText(body, 'last_name', 50);
  const phoneText = optionalText(body, 'phone', 30);
  const phone = phoneText === null ? null : normalizePhoneNumber(phoneText);
  if (phoneText !== null && phone === null) throw bad('phone is not a possible phone number (mobile, or landline with or without 0479)');
  const mediaUrl = optionalText(body, 'media_url', 2000);
  if (mediaUrl) {
    let ok = false;
    try {
      const u = new URL(mediaUrl);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/.test(mediaUrl);
    } catch {
      ok = false;
    }
    if (!ok) throw bad('media_url must be an http(s) URL');
  }

  const natureS = attributeValue(body, 'nature');
  if (natureS !== undefined && !(REQUEST_NATURES as readonly string[]).includes(natureS)) {
    throw bad(`attribute[nature] must be one of ${REQUEST_NATURES.join(', ')}`);
  }
  const urgencyS = attributeValue(body, 'urgency');
  if (urgencyS !== undefined && urgencyS !== 'normal' && urgencyS !== 'urgent') throw bad('attribute[urgency] must be normal or urgent');
  const urgency = urgencyS ?? 'normal';

  const names = [firstName, lastName].filter((x): x is string => x !== null);
  const callerName = names.length === 0 ? null : names.some(hasCjk) ? `${lastName ?? ''}${firstName ?? ''}` : names.join(' ');
  // address_id has no column: it is kept in the address when no address_string came with it
  const address = addressString ?? (addressId ? `地址编号 address_id ${addressId}` : null);

  const result = await services.cases.intake(
    {
      source: 'open311',
      nature: (natureS as RequestNature | undefined) ?? DEFAULT_NATURE,
      urgency,
      minorClassCode: m.code,
      description: joinMediaUrl(description ?? m.name, mediaUrl),
      location,
      address,
      callerName,
      callerPhone: phone,
      reporterEmail: email,
    },
    null,
    `Open311 ${client.name}`.slice(0, 60),
  );
  return respond(format, 200, 'service_requests', [{ service_request_id: result.caseNumber, service_notice: serviceNotice(m, urgency), account_id: null }]);
}

// --- GET requests --------------------------------------------------------------------------------

async function toRequests(services: Services, records: readonly CaseRecord[]): Promise<Open311ServiceRequest[]> {
  const out: Open311ServiceRequest[] = [];
  for (const r of records) {
    let voidReason: string | null = null;
    if (r.state === 'voided') {
      const events = await services.cases.caseStore.listEvents(r.id);
      voidReason = events.findLast((e) => e.type === 'void')?.reason ?? null;
    }
    out.push(
      toOpen311Request(r, {
        minorClass: (code) => services.reference.minorClass(code),
        unitName: (code) => services.reference.unitName(code),
        voidReason,
      }),
    );
  }
  return out;
}

async function getRequest(services: Services, id: string, format: Format): Promise<Open311Response> {
  const r = await services.cases.getRecord(id);
  if (!r) throw new Open311Error(404, `service_request_id ${id.slice(0, 50)} not found`);
  return respond(format, 200, 'service_requests', await toRequests(services, [r]));
}

async function getToken(services: Services, token: string, format: Format): Promise<Open311Response> {
  const caseNumber = token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : null;
  const r = caseNumber ? await services.cases.getRecord(caseNumber) : null;
  if (!r) throw new Open311Error(404, `token ${token.slice(0, 50)} not found`);
  return respond(format, 200, 'service_requests', [{ service_request_id: r.caseNumber, token }]);
}

function statesFor(statuses: string[]): readonly CaseState[] | undefined {
  for (const s of statuses) if (s !== 'open' && s !== 'closed') throw bad('status must be open, closed or both (comma separated)');
  if (statuses.length !== 1) return undefined; // none or both: every state
  return statuses[0] === 'open' ? OPEN311_OPEN_STATES : CLOSED_STATES;
}

/** The requested_datetime window: [from, to] inclusive, at most 90 days, defaulting to the last 90. */
function dateWindow(q: Open311Request['query'], now: Date): { from: Date; to: Date } {
  const parse = (name: string) => {
    const s = queryValue(q, name);
    if (s === undefined) return null;
    const d = parseW3cDatetime(s);
    if (!d) throw bad(`${name} must be an ISO-8601 datetime, e.g. 2026-11-24T00:00:00+08:00`);
    return d;
  };
  const start = parse('start_date');
  const end = parse('end_date');
  const span = DEFAULT_WINDOW_DAYS * DAY_MS;
  const from = start ?? new Date((end ?? now).getTime() - span);
  const to = end ?? (start ? new Date(start.getTime() + span) : now);
  if (to < from) throw bad('end_date is before start_date');
  if (to.getTime() - from.getTime() > span) throw bad(`start_date to end_date may not span more than ${DEFAULT_WINDOW_DAYS} days`);
  return { from, to };
}

const newestFirst = (a: CaseRecord, b: CaseRecord) => (a.reportedAt < b.reportedAt ? 1 : a.reportedAt > b.reportedAt ? -1 : b.id - a.id);

async function listRequests(services: Services, req: Open311Request, format: Format): Promise<Open311Response> {
  const q = req.query;
  const page = positiveInt(queryValue(q, 'page'), 'page', 1, 1_000_000);
  const pageSize = positiveInt(queryValue(q, 'page_size'), 'page_size', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const offset = (page - 1) * pageSize;

  // service_request_id overrides every other argument
  const ids = commaList(queryValue(q, 'service_request_id'));
  if (ids.length > 0) {
    if (ids.length > MAX_IDS) throw bad(`service_request_id may list at most ${MAX_IDS} ids`);
    const found: CaseRecord[] = [];
    for (const id of ids) {
      const r = await services.cases.getRecord(id);
      if (r) found.push(r);
    }
    return respond(format, 200, 'service_requests', await toRequests(services, found.slice(offset, offset + pageSize)));
  }

  const states = statesFor(commaList(queryValue(q, 'status')));
  const { from, to } = dateWindow(q, services.clock.now());
  const codes = commaList(queryValue(q, 'service_code'));
  if (codes.length > 100) throw bad('service_code may list at most 100 codes');
  const base: CaseFilter = {
    ...(states ? { states } : {}),
    reportedFrom: from.toISOString(),
    reportedTo: new Date(to.getTime() + 1).toISOString(), // the store's upper bound is exclusive
    orderBy: 'reported_desc',
  };
  let records: CaseRecord[];
  if (codes.length <= 1) {
    records = await services.cases.list({ ...base, ...(codes[0] ? { minorClassCode: codes[0] } : {}), limit: pageSize, offset });
  } else {
    const perCode = await Promise.all(codes.map((c) => services.cases.list({ ...base, minorClassCode: c, limit: offset + pageSize, offset: 0 })));
    records = perCode.flat().sort(newestFirst).slice(offset, offset + pageSize);
  }
  return respond(format, 200, 'service_requests', await toRequests(services, records));
}

