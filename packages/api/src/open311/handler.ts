/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over citygrid's case service, with
 * mySociety's request-updates extension, as FixMyStreet's Open311 client uses it.
 *
 * Paths are relative to the endpoint (`/open311/v2`): discovery, services, services/{code},
 * requests (GET, POST), requests/{id}, tokens/{token}, servicerequestupdates (GET, POST); each
 * ends in `.xml` or `.json`, and errors come in the format the path asked for.
 * Requests get their case number synchronously (service type `realtime`): POST returns both
 * `service_request_id` and a random `token`; GET tokens/{token} answers with the case number at
 * once, while the request awaits verification (待立案) and after it is filed.
 * Every call may carry `jurisdiction_id`; only {@link JURISDICTION_ID} is served.
 * Without an API key reads are public and coarsened (see privacy.ts); with one, exact.
 * Errors are always a list of {code, description} with HTTP 400, 403 or 404; the description
 * names the offending field.
 */
import { randomBytes } from 'node:crypto';
import {
  isDomainError,
  normalizePhoneNumber,
  REQUEST_NATURES,
  ringCentroid,
  TRANSITIONS,
  type CaseAction,
  type CaseState,
  type DomainError,
  type RequestNature,
} from '@citygrid/domain';
import type { CaseFilter, CaseRecord, StoredCaseEvent } from '@citygrid/db';
import type { Services } from '../compose.ts';
import {
  CLOSED_STATES,
  INCOMING_UPDATE_STATUSES,
  NATURE_NAMES,
  OPEN311_OPEN_STATES,
  parseW3cDatetime,
  serviceNotice,
  STAGE_NOTES,
  toBeijingIso,
  toOpen311Request,
  UPDATE_STATUS,
  URGENCY_NAMES,
  type Open311ServiceRequest,
} from './mapping.ts';
import { isPublicCase, namesOf, redactPersonalData, roundCoordinate } from './privacy.ts';
import { toXmlDocument, type XmlValue } from './xml.ts';
import { refuseNul } from '../input-guards.ts';

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
/** Bump when the service list or definitions change shape (ISO 8601 with offset, sortable). */
export const OPEN311_CHANGESET = '2026-12-02T00:00:00+08:00';
/** The one jurisdiction served: 锡林浩特市, by its GB/T 2260 division code. */
export const JURISDICTION_ID = '152502';
/** Reports further than this from the city's grid are refused as outside the service area. */
export const SERVICE_AREA_MARGIN_KM = 10;
/** Events that are not updates of a request: its creation, and comments that came in from partners. */
const NOT_UPDATES: readonly CaseAction['type'][] = ['report', 'comment'];
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

/**
 * `attribute[code]=value` (urlencoded) or `{"attribute": {"code": "value"}}` (JSON). Only known
 * codes are read: unknown attribute codes are ignored (FixMyStreet sends its own extras).
 */
function attributeValue(body: Record<string, unknown>, code: string): string | undefined {
  const name = `attribute[${code}]`;
  const nested = body['attribute'];
  const raw = Object.prototype.hasOwnProperty.call(body, name)
    ? body[name]
    : nested &&
        typeof nested === 'object' &&
        !Array.isArray(nested) &&
        Object.prototype.hasOwnProperty.call(nested, code)
      ? (nested as Record<string, unknown>)[code]
      : undefined;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw.trim() === '' ? undefined : raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw bad(`${name} must be a single value`);
}

function commaList(s: string | undefined): string[] {
  return s
    ? [
        ...new Set(
          s
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== ''),
        ),
      ]
    : [];
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

const RESOURCES = new Set(['discovery', 'services', 'requests', 'tokens', 'servicerequestupdates']);

/** The format an error about this path is written in: what its extension asked for, else XML (the required one). */
const formatOfPath = (path: string): Format => (/\.json$/i.test(path) ? 'json' : 'xml');

function parsePath(path: string): Route | Open311Response {
  const m =
    /^\/([a-z_]+)(?:\/([^/]+))?\.([^./]+)$/i.exec(path) ?? /^\/([a-z_]+)(?:\/([^/]+))?()$/i.exec(path);
  const resource = m?.[1];
  const noId = resource === 'discovery' || resource === 'servicerequestupdates';
  if (!m || !resource || !RESOURCES.has(resource) || (m[2] !== undefined && (noId || m[2] === ''))) {
    return errorResponse(formatOfPath(path), 404, `no such resource ${path.slice(0, 200)}`);
  }
  const ext = (m[3] ?? '').toLowerCase();
  if (ext !== 'xml' && ext !== 'json') {
    return errorResponse(
      'xml',
      400,
      ext === ''
        ? 'format required: append .xml or .json to the resource'
        : `format ${ext.slice(0, 20)} is not supported: use .xml or .json`,
    );
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

/** `jurisdiction_id` is optional; when sent (query or body) it must be ours. */
function checkJurisdiction(req: Open311Request, body: Record<string, unknown>): void {
  const values = [queryValue(req.query, 'jurisdiction_id'), bodyValue(body, 'jurisdiction_id')];
  for (const v of values) {
    if (v !== undefined && v !== JURISDICTION_ID) {
      throw bad(
        `jurisdiction_id ${v.slice(0, 50)} is not served here: this endpoint serves jurisdiction_id ${JURISDICTION_ID} (锡林浩特市 Xilinhot)`,
      );
    }
  }
}

/** The API key of a read, if any: absent = the public; wrong = 403; valid = a partner. */
async function readerOf(services: Services, req: Open311Request): Promise<{ partner: boolean }> {
  const key = queryValue(req.query, 'api_key');
  if (key === undefined) return { partner: false };
  if (!(await services.auth.checkApiKey(key)))
    throw new Open311Error(403, 'api_key is not valid: leave it out to read public data');
  return { partner: true };
}

async function partnerOf(
  services: Services,
  req: Open311Request,
  body: Record<string, unknown>,
  what: string,
): Promise<{ name: string }> {
  const apiKey = bodyValue(body, 'api_key') ?? queryValue(req.query, 'api_key');
  if (!apiKey) throw new Open311Error(403, `api_key is required to ${what}`);
  const client = await services.auth.checkApiKey(apiKey);
  if (!client) throw new Open311Error(403, `api_key is not valid: can't ${what}`);
  return client;
}

export async function handleOpen311(services: Services, req: Open311Request): Promise<Open311Response> {
  const route = parsePath(req.path);
  if (!('resource' in route)) return route;
  const { resource, id, format } = route;
  const method = req.method.toUpperCase();
  const isRead = method === 'GET' || method === 'HEAD';
  try {
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
    refuseNul(body);
    refuseNul(req.query);
    checkJurisdiction(req, method === 'POST' ? body : {});
    if (resource === 'requests' && id === null && method === 'POST')
      return await postRequest(services, req, body, format);
    if (resource === 'servicerequestupdates' && method === 'POST')
      return await postUpdate(services, req, body, format);
    if (!isRead)
      throw bad(`method ${method.slice(0, 10)} is not allowed on ${resource}${id === null ? '' : '/{id}'}`);
    switch (resource) {
      case 'discovery':
        return respond(format, 200, 'discovery', discovery(req.baseUrl));
      case 'services':
        return id === null
          ? respond(format, 200, 'services', serviceList(services))
          : respond(format, 200, 'service_definition', serviceDefinition(services, id));
      case 'tokens':
        return await getToken(services, id ?? '', format);
      case 'servicerequestupdates':
        return await listUpdates(services, req, format);
      default:
        return id === null
          ? await listRequests(services, req, format)
          : await getRequest(services, req, id, format);
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
    jurisdiction_id: JURISDICTION_ID,
    contact:
      '锡林浩特市 12319 城市服务热线指挥中心 Xilinhot 12319 urban-services hotline command center: call 12319',
    key_service:
      'API 密钥由 12319 指挥中心管理员发放 API keys are issued by the 12319 command center administrators on request. ' +
      'POST requests answers with service_request_id (the case number) and a token; GET tokens/{token} answers with the service_request_id, ' +
      'also while the request awaits verification. Without api_key, GET requests and servicerequestupdates publish coarse locations ' +
      "and descriptions without names or phone numbers; hotline cases only with the caller's consent. " +
      `Every call may send jurisdiction_id=${JURISDICTION_ID}; reports more than ${SERVICE_AREA_MARGIN_KM} km outside the city's grid are refused.`,
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
    description:
      `${m.name}: 立案标准 ${m.filingCriteria}. 未知的属性代码将被忽略；已知属性的取值不合法时返回 400。` +
      'Unknown attribute codes are ignored; a malformed value of a known attribute is refused with 400 naming attribute[code].',
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

function optionalMediaUrl(body: Record<string, unknown>): string | null {
  const mediaUrl = optionalText(body, 'media_url', 2000);
  if (!mediaUrl) return null;
  let ok = false;
  try {
    const u = new URL(mediaUrl);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/.test(mediaUrl);
  } catch {
    ok = false;
  }
  if (!ok) throw bad('media_url must be an http(s) URL');
  return mediaUrl;
}

/** The bounding box of the city's grid cells, widened by the service-area margin (cached per grid). */
const serviceAreas = new WeakMap<object, { south: number; north: number; west: number; east: number }>();
function serviceArea(services: Services) {
  const cells = services.reference.snapshot.cells;
  let area = serviceAreas.get(cells);
  if (!area) {
    let south = 90,
      north = -90,
      west = 180,
      east = -180;
    for (const c of cells) {
      for (const [lng, lat] of c.ring) {
        south = Math.min(south, lat);
        north = Math.max(north, lat);
        west = Math.min(west, lng);
        east = Math.max(east, lng);
      }
    }
    const dLat = SERVICE_AREA_MARGIN_KM / 111.32;
    const dLng = SERVICE_AREA_MARGIN_KM / (111.32 * Math.cos((((south + north) / 2) * Math.PI) / 180));
    area = { south: south - dLat, north: north + dLat, west: west - dLng, east: east + dLng };
    serviceAreas.set(cells, area);
  }
  return area;
}

async function postRequest(
  services: Services,
  req: Open311Request,
  body: Record<string, unknown>,
  format: Format,
): Promise<Open311Response> {
  const client = await partnerOf(services, req, body, 'create a request');

  const serviceCode = bodyValue(body, 'service_code');
  if (!serviceCode) throw bad('service_code is required');
  const m = findService(services, serviceCode);

  const latS = bodyValue(body, 'lat');
  const longS = bodyValue(body, 'long');
  if ((latS === undefined) !== (longS === undefined)) throw bad('lat and long must be sent together');
  const location =
    latS !== undefined && longS !== undefined
      ? { lat: parseCoordinate(latS, 'lat', 90), lng: parseCoordinate(longS, 'long', 180) }
      : null;
  if (location) {
    // far away: refused; just outside the grid: stored without a cell for the shift lead to place and dispatch
    const a = serviceArea(services);
    if (location.lat < a.south || location.lat > a.north || location.lng < a.west || location.lng > a.east) {
      throw bad(
        `lat/long ${latS},${longS} is outside Xilinhot's service area (锡林浩特市服务范围之外): reports are taken within ${SERVICE_AREA_MARGIN_KM} km of the city's grid`,
      );
    }
  }
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
  if (phoneText !== null && phone === null)
    throw bad('phone is not a possible phone number (mobile, or landline with or without 0479)');
  const mediaUrl = optionalMediaUrl(body);

  const natureS = attributeValue(body, 'nature');
  if (natureS !== undefined && !(REQUEST_NATURES as readonly string[]).includes(natureS)) {
    throw bad(`attribute[nature] must be one of ${REQUEST_NATURES.join(', ')}`);
  }
  const urgencyS = attributeValue(body, 'urgency');
  if (urgencyS !== undefined && urgencyS !== 'normal' && urgencyS !== 'urgent')
    throw bad('attribute[urgency] must be normal or urgent');
  const urgency = urgencyS ?? 'normal';

  const names = [firstName, lastName].filter((x): x is string => x !== null && x !== '-');
  const callerName =
    names.length === 0 ? null : names.some(hasCjk) ? `${lastName ?? ''}${firstName ?? ''}` : names.join(' ');
  // address_id has no column: it is kept in the address when no address_string came with it
  const address = addressString ?? (addressId ? `地址编号 address_id ${addressId}` : null);
  const token = randomBytes(18).toString('base64url');

  const result = await services.cases.intake(
    {
      source: 'open311',
      nature: (natureS as RequestNature | undefined) ?? DEFAULT_NATURE,
      urgency,
      minorClassCode: m.code,
      description: description ?? m.name,
      location,
      address,
      callerName,
      callerPhone: phone,
      reporterEmail: email,
      mediaUrl,
      open311Token: token,
    },
    null,
    `Open311 ${client.name}`.slice(0, 60),
  );
  return respond(format, 200, 'service_requests', [
    {
      service_request_id: result.caseNumber,
      token,
      service_notice: serviceNotice(m, urgency),
      account_id: null,
    },
  ]);
}

// --- GET requests --------------------------------------------------------------------------------

/** What a reader may see: the mapping context for public or partner reads. */
function readContext(services: Services, partner: boolean) {
  const centroids = new Map<string, { lat: number; lng: number }>();
  for (const c of services.reference.snapshot.cells) {
    const [lng, lat] = ringCentroid(c.ring);
    centroids.set(c.code, { lat: Math.round(lat * 1e5) / 1e5, lng: Math.round(lng * 1e5) / 1e5 });
  }
  const subDistricts = new Map<string, string>(
    services.reference.snapshot.subDistricts.map((s) => [s.code, s.name]),
  );
  return {
    partner,
    minorClass: (code: string) => services.reference.minorClass(code),
    unitName: (code: string | null) => services.reference.unitName(code),
    coarseLocation: (r: CaseRecord) =>
      (r.cellCode ? centroids.get(r.cellCode) : undefined) ??
      (r.lat !== null && r.lng !== null
        ? { lat: roundCoordinate(r.lat), lng: roundCoordinate(r.lng) }
        : null),
    publicAddress: (r: CaseRecord) => {
      const community = services.reference.communityName(r.communityCode);
      if (!community) return null;
      const sub = r.subDistrictCode ? subDistricts.get(r.subDistrictCode) : undefined;
      return `锡林浩特市${sub ?? ''}${community}`;
    },
  };
}

async function toRequests(
  services: Services,
  records: readonly CaseRecord[],
  partner: boolean,
): Promise<Open311ServiceRequest[]> {
  const ctx = readContext(services, partner);
  const out: Open311ServiceRequest[] = [];
  for (const r of records) {
    let voidReason: string | null = null;
    if (r.state === 'voided') {
      const events = await services.cases.listEvents(r);
      voidReason = events.findLast((e) => e.type === 'void')?.reason ?? null;
    }
    out.push(toOpen311Request(r, { ...ctx, voidReason }));
  }
  return out;
}

async function getRequest(
  services: Services,
  req: Open311Request,
  id: string,
  format: Format,
): Promise<Open311Response> {
  const { partner } = await readerOf(services, req);
  const r = await services.cases.getRecord(id);
  // a case the public may not see is answered exactly like one that does not exist
  if (!r || (!partner && !isPublicCase(r)))
    throw new Open311Error(404, `service_request_id ${id.slice(0, 50)} not found`);
  return respond(format, 200, 'service_requests', await toRequests(services, [r], partner));
}

async function getToken(services: Services, token: string, format: Format): Promise<Open311Response> {
  const r = token === '' ? null : await services.cases.getByOpen311Token(token);
  if (!r) throw new Open311Error(404, `token ${token.slice(0, 50)} not found`);
  return respond(format, 200, 'service_requests', [{ service_request_id: r.caseNumber, token }]);
}

function statesFor(statuses: string[]): readonly CaseState[] | undefined {
  for (const s of statuses)
    if (s !== 'open' && s !== 'closed') throw bad('status must be open, closed or both (comma separated)');
  if (statuses.length !== 1) return undefined; // none or both: every state
  return statuses[0] === 'open' ? OPEN311_OPEN_STATES : CLOSED_STATES;
}

/**
 * The window [from, to) in instants for start_date..end_date, inclusive at the published precision:
 * datetimes are published to the second, so a request published as 10:15:30 is inside a window
 * ending 10:15:30 even if it was stored at 10:15:30.500. At most 90 days, defaulting to the last 90.
 */
function dateWindow(q: Open311Request['query'], now: Date): { from: string; to: string } {
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
  const fromMs = (start ?? new Date((end ?? now).getTime() - span)).getTime();
  const toMs = (end ?? (start ? new Date(start.getTime() + span) : now)).getTime();
  if (toMs < fromMs) throw bad('end_date is before start_date');
  if (toMs - fromMs > span)
    throw bad(`start_date to end_date may not span more than ${DEFAULT_WINDOW_DAYS} days`);
  // a stored instant t is published as floor(t, 1 s): keep t when start <= floor(t) <= end
  const first = Math.ceil(fromMs / 1000) * 1000;
  const afterLast = Math.floor(toMs / 1000) * 1000 + 1000;
  return { from: new Date(first).toISOString(), to: new Date(afterLast).toISOString() };
}

const newestFirst = (a: CaseRecord, b: CaseRecord) =>
  a.reportedAt < b.reportedAt ? 1 : a.reportedAt > b.reportedAt ? -1 : b.id - a.id;

async function listRequests(
  services: Services,
  req: Open311Request,
  format: Format,
): Promise<Open311Response> {
  const q = req.query;
  const { partner } = await readerOf(services, req);
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
      if (r && (partner || isPublicCase(r))) found.push(r);
    }
    return respond(
      format,
      200,
      'service_requests',
      await toRequests(services, found.slice(offset, offset + pageSize), partner),
    );
  }

  const states = statesFor(commaList(queryValue(q, 'status')));
  const { from, to } = dateWindow(q, services.clock.now());
  const codes = commaList(queryValue(q, 'service_code'));
  if (codes.length > 100) throw bad('service_code may list at most 100 codes');
  const base: CaseFilter = {
    ...(states ? { states } : {}),
    ...(partner ? {} : { publicOnly: true }),
    reportedFrom: from,
    reportedTo: to, // the store's upper bound is exclusive
    orderBy: 'reported_desc',
  };
  let records: CaseRecord[];
  if (codes.length <= 1) {
    records = await services.cases.list({
      ...base,
      ...(codes[0] ? { minorClassCode: codes[0] } : {}),
      limit: pageSize,
      offset,
    });
  } else {
    const perCode = await Promise.all(
      codes.map((c) =>
        services.cases.list({ ...base, minorClassCode: c, limit: offset + pageSize, offset: 0 }),
      ),
    );
    records = perCode
      .flat()
      .sort(newestFirst)
      .slice(offset, offset + pageSize);
  }
  return respond(format, 200, 'service_requests', await toRequests(services, records, partner));
}

// --- service request updates (mySociety's extension) ---------------------------------------------

/** One event of a case's history as a request update, with the same privacy rules as GET requests. */
function toUpdate(
  e: StoredCaseEvent,
  r: CaseRecord,
  partner: boolean,
  unitName: (code: string | null) => string | null,
) {
  const redact = (text: string) => (partner ? text : redactPersonalData(text, namesOf(r)));
  const parts = [`${TRANSITIONS[e.type]?.label ?? e.type}: ${STAGE_NOTES[e.toState]}`];
  if ((e.type === 'dispatch' || e.type === 'redispatch') && 'unitCode' in e.action)
    parts.push(`责任单位 unit: ${unitName(e.action.unitCode) ?? ''}`);
  if (e.reason) parts.push(redact(e.reason));
  if (e.note) parts.push(redact(e.note));
  return {
    update_id: String(e.id),
    service_request_id: e.caseNumber,
    status: UPDATE_STATUS[e.toState],
    updated_datetime: toBeijingIso(e.at),
    description: parts.join('\n').slice(0, MAX_DESCRIPTION),
    media_url: null,
  };
}

async function listUpdates(
  services: Services,
  req: Open311Request,
  format: Format,
): Promise<Open311Response> {
  const q = req.query;
  const { partner } = await readerOf(services, req);
  const page = positiveInt(queryValue(q, 'page'), 'page', 1, 1_000_000);
  const pageSize = positiveInt(queryValue(q, 'page_size'), 'page_size', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const { from, to } = dateWindow(q, services.clock.now());
  const events = await services.cases.listEventsBetween({
    from,
    to,
    excludeTypes: NOT_UPDATES,
    publicOnly: !partner,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const records = new Map<number, CaseRecord | null>();
  const out = [];
  for (const e of events) {
    if (!records.has(e.caseId)) records.set(e.caseId, await services.cases.getRecordById(e.caseId));
    const r = records.get(e.caseId);
    if (r) out.push(toUpdate(e, r, partner, (code) => services.reference.unitName(code)));
  }
  return respond(format, 200, 'service_request_updates', out);
}

/**
 * A citizen's comment from a partner app (FixMyStreet's post_service_request_update): appended to
 * the case's history as a `comment` event by the partner app. It never changes the state: a status
 * the citizen's app sends (e.g. CLOSED) is recorded in the reason for staff to act on.
 */
async function postUpdate(
  services: Services,
  req: Open311Request,
  body: Record<string, unknown>,
  format: Format,
): Promise<Open311Response> {
  const client = await partnerOf(services, req, body, 'post a request update');
  const id = bodyValue(body, 'service_request_id');
  if (!id) throw bad('service_request_id is required');
  const record = await services.cases.getRecord(id);
  if (!record) throw new Open311Error(404, `service_request_id ${id.slice(0, 50)} not found`);

  const description = optionalText(body, 'description', MAX_DESCRIPTION);
  const mediaUrl = optionalMediaUrl(body);
  if (!description && !mediaUrl) throw bad('description is required (or media_url)');
  const statusS = bodyValue(body, 'status');
  const status = statusS?.toUpperCase().replace(/\s+/g, '_');
  if (status !== undefined && !(INCOMING_UPDATE_STATUSES as readonly string[]).includes(status)) {
    throw bad(`status must be one of ${INCOMING_UPDATE_STATUSES.join(', ')}`);
  }
  const updatedS = bodyValue(body, 'updated_datetime');
  if (updatedS !== undefined && !parseW3cDatetime(updatedS))
    throw bad('updated_datetime must be an ISO-8601 datetime, e.g. 2026-11-24T10:00:00+08:00');
  const externalId = optionalText(body, 'update_id', 100) ?? optionalText(body, 'update_id_ext', 100);
  const email = optionalText(body, 'email', 254);
  if (email && !EMAIL.test(email)) throw bad('email is not a valid e-mail address');
  const names = [optionalText(body, 'first_name', 50), optionalText(body, 'last_name', 50)].filter(
    (x): x is string => x !== null && x !== '-',
  );
  const phone = optionalText(body, 'phone', 30);
  if (phone && !/^[0-9+\-() ]{3,30}$/.test(phone))
    throw bad('phone may contain only digits, spaces and + - ( )');

  const actorName = `Open311 ${client.name}`.slice(0, 60);
  if (externalId) {
    // the partner retries until it reads an update_id back: the same update is one event
    const seen = (await services.cases.listEvents(record)).find(
      (e) =>
        e.type === 'comment' &&
        e.actorName === actorName &&
        'externalId' in e.action &&
        e.action.externalId === externalId,
    );
    if (seen) return respond(format, 200, 'service_request_updates', [{ update_id: String(seen.id) }]);
  }

  const from = [names.join(' '), email ? `<${email}>` : '', phone ?? ''].filter((x) => x !== '').join(' ');
  const reason = [
    `${client.name} 市民补充意见 citizen update${externalId ? ` ${externalId}` : ''}`,
    status ? `状态 status ${status} (请核实 for staff to verify; the case state is unchanged)` : '',
    updatedS ? `updated_datetime ${updatedS}` : '',
    from ? `来自 from ${from}` : '',
  ]
    .filter((x) => x !== '')
    .join('; ')
    .slice(0, 1000);
  const { event } = await services.cases.addPartnerComment(
    record.caseNumber,
    {
      reason,
      note: description ?? mediaUrl ?? '',
      ...(mediaUrl ? { mediaUrl } : {}),
      ...(externalId ? { externalId } : {}),
      ...(status ? { requestedStatus: status } : {}),
    },
    actorName,
  );
  return respond(format, 200, 'service_request_updates', [{ update_id: String(event.id) }]);
}
