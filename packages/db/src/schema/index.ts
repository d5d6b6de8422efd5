import { sql } from 'drizzle-orm';
import { OPEN_PREDICATE } from '../stores/case-predicates.ts';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/* ---------- reference data (seeded from packages/domain/src/reference/data, editable by import) ---------- */

export const gridVersions = sqliteTable('grid_versions', {
  id: integer().primaryKey({ autoIncrement: true }),
  version: text().notNull().unique(),
  validFrom: text().notNull(),
  validTo: text(),
  generated: integer({ mode: 'boolean' }).notNull().default(false),
  note: text().notNull().default(''),
  importedAt: text().notNull(),
});

export const subDistricts = sqliteTable('sub_districts', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
});

export const communities = sqliteTable('communities', {
  code: text().primaryKey(),
  subDistrictCode: text().notNull(),
  name: text().notNull(),
  nameEn: text().notNull(),
  /** Closed outer ring as JSON [[lng, lat], ...] of the current grid version. */
  ring: text({ mode: 'json' }).$type<Array<[number, number]>>().notNull(),
});

export const cells = sqliteTable(
  'cells',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    gridVersionId: integer().notNull(),
    code: text().notNull(),
    communityCode: text().notNull(),
    subDistrictCode: text().notNull(),
    name: text().notNull(),
    ring: text({ mode: 'json' }).$type<Array<[number, number]>>().notNull(),
    validFrom: text().notNull(),
    validTo: text(),
  },
  (t) => [uniqueIndex('cells_version_code').on(t.gridVersionId, t.code)],
);

export const departments = sqliteTable('departments', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
});

export const units = sqliteTable('units', {
  code: text().primaryKey(),
  departmentCode: text().notNull(),
  name: text().notNull(),
  nameEn: text().notNull(),
  subDistrictCode: text(),
  phone: text(),
});

export const minorClasses = sqliteTable('minor_classes', {
  code: text().primaryKey(),
  /** Whole validated MinorClass record from the domain (criteria, limits, default units, principle). */
  data: text({ mode: 'json' }).notNull(),
  hotlineCategory: text().notNull(),
});

export const hotlineCategories = sqliteTable('hotline_categories', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
});

export const routingRules = sqliteTable('routing_rules', {
  id: text().primaryKey(),
  minorClassCode: text().notNull(),
  scopeKind: text().notNull(),
  scopeCode: text(),
  unitCode: text().notNull(),
  note: text().notNull().default(''),
});

/** Key/value reference documents (the working calendar). */
export const referenceDocuments = sqliteTable('reference_documents', {
  name: text().primaryKey(),
  data: text({ mode: 'json' }).notNull(),
  updatedAt: text().notNull(),
});

/* ---------- people and access ---------- */

export const users = sqliteTable('users', {
  id: integer().primaryKey({ autoIncrement: true }),
  username: text().notNull().unique(),
  displayName: text().notNull(),
  role: text().notNull(),
  unitCode: text(),
  passwordHash: text().notNull(),
  active: integer({ mode: 'boolean' }).notNull().default(true),
  createdAt: text().notNull(),
});

export const sessions = sqliteTable('sessions', {
  /** SHA-256 of the cookie token; the token itself is never stored. */
  tokenHash: text().primaryKey(),
  userId: integer().notNull(),
  csrfToken: text().notNull(),
  createdAt: text().notNull(),
  /** Sliding expiry: pushed forward (up to `absoluteExpiresAt`) while the session is used. */
  expiresAt: text().notNull(),
  /** staff | wall (a read-only, long-lived session for the command hall's wall display). */
  kind: text().notNull().default('staff'),
  /** Hard cap that renewal never passes; null on sessions created before sliding expiry. */
  absoluteExpiresAt: text(),
});

export const apiKeys = sqliteTable('api_keys', {
  keyHash: text().primaryKey(),
  name: text().notNull(),
  createdAt: text().notNull(),
});

export const securityLog = sqliteTable(
  'security_log',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: text().notNull(),
    kind: text().notNull(), // login | logout | login_failed | login_throttled | denied
    username: text(),
    userId: integer(),
    detail: text().notNull(),
    ip: text(),
  },
  // the login throttle counts recent failures per username and per address from this log
  (t) => [index('security_log_username_at').on(t.username, t.at), index('security_log_ip_at').on(t.ip, t.at)],
);

/* ---------- cases and their event log ---------- */

export const cases = sqliteTable(
  'cases',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    caseNumber: text().notNull().unique(),
    source: text().notNull(), // hotline | open311 | inspector
    nature: text().notNull(), // complaint | enquiry | help | report | suggestion | praise
    minorClassCode: text().notNull(),
    hotlineCategory: text().notNull(),
    description: text().notNull(),
    urgency: text().notNull(), // normal | urgent
    callerName: text(),
    callerPhone: text(),
    lat: real(),
    lng: real(),
    address: text(),
    gridVersionId: integer(),
    cellCode: text(),
    communityCode: text(),
    subDistrictCode: text(),
    routeRuleId: text(),
    routeExplanation: text(),
    limitAmount: real().notNull(),
    limitUnit: text().notNull(),
    /* projection of the event log (see @citygrid/domain CaseSnapshot) */
    state: text().notNull(),
    unitCode: text(),
    version: integer().notNull(),
    verified: integer({ mode: 'boolean' }).notNull().default(false),
    dispatchCount: integer().notNull().default(0),
    redispatchCount: integer().notNull().default(0),
    reworkCount: integer().notNull().default(0),
    extensionCount: integer().notNull().default(0),
    returnCount: integer().notNull().default(0),
    extensionAmount: real().notNull().default(0),
    pendingExtensionAmount: real().notNull().default(0),
    satisfaction: integer(),
    mergedInto: text(),
    duplicateCount: integer().notNull().default(0),
    reportedAt: text().notNull(),
    firstDispatchedAt: text(),
    dispatchedAt: text(),
    dueAt: text(),
    disposedAt: text(),
    closedAt: text(),
    disposedLate: integer({ mode: 'boolean' }).notNull().default(false),
    updatedAt: text().notNull(),
    reporterEmail: text(),
    /** Open311 `media_url` of the report (older rows kept it as a `[media_url] ` last line of the description). */
    mediaUrl: text(),
    /** Open311 `token` returned by POST requests; GET tokens/{token} resolves it. Random, unguessable. */
    open311Token: text(),
    /** The caller agreed to publication (hotline cases stay out of public Open311 reads without it). */
    publicConsent: integer({ mode: 'boolean' }).notNull().default(false),
    /** 处置用时 in milliseconds (the domain's `disposalMillis`), averaged by the evaluation. */
    disposalMillis: integer(),
  },
  (t) => [
    // counts of open and overdue cases, overall and per cell (dashboard.today, cellCounts), from the index alone
    index('cases_state').on(t.state, t.dueAt, t.cellCode),
    index('cases_unit_state').on(t.unitCode, t.state),
    index('cases_cell').on(t.cellCode),
    // the evaluation's "filed" count per unit, community, category or cell, from the index alone
    index('cases_reported_at').on(
      t.reportedAt,
      t.state,
      t.unitCode,
      t.communityCode,
      t.hotlineCategory,
      t.cellCode,
      // the reports' hotspots count cases per cell and per minor class in each window
      t.minorClassCode,
    ),
    index('cases_caller_phone').on(t.callerPhone),
    index('cases_class_state').on(t.minorClassCode, t.state),
    index('cases_due_at').on(t.dueAt),
    index('cases_closed_at').on(t.closedAt),
    uniqueIndex('cases_open311_token').on(t.open311Token),
    // the evaluation cohort is "first dispatched in the period"; the index holds every column the
    // evaluation reads (CaseStore.evaluate), so a month over years of history never reads the table
    index('cases_first_dispatched_at').on(
      t.firstDispatchedAt,
      t.unitCode,
      t.communityCode,
      t.hotlineCategory,
      t.cellCode,
      t.state,
      t.disposedAt,
      t.disposedLate,
      t.closedAt,
      t.dueAt,
      t.reworkCount,
      t.redispatchCount,
      t.satisfaction,
      t.disposalMillis,
    ),
    // the live map and queues read open cases only: a partial index keeps that a small read, and it
    // holds every column of the map's snapshot (CaseStore.listSummaries) so the table is not read
    index('cases_open_due')
      .on(
        t.dueAt,
        t.state,
        t.version,
        t.unitCode,
        t.lat,
        t.lng,
        t.cellCode,
        t.communityCode,
        t.minorClassCode,
        t.hotlineCategory,
        t.urgency,
        t.reportedAt,
        t.dispatchedAt,
        t.limitUnit,
        t.caseNumber,
        t.description,
      )
      .where(sql.raw(OPEN_PREDICATE)),
  ],
);

/**
 * Cases reported per local day, per cell and per minor class: what the reports' hotspots and daily
 * intake count, kept by triggers on `cases` (migration 0016) so a report over years of history reads
 * a few thousand day rows instead of every case of seven windows. A derived table: `CaseDayCounts`
 * (stores/case-day-counts.ts) says what each column counts and when a read may use it.
 */
export const caseDayCounts = sqliteTable(
  'case_day_counts',
  {
    /** `cell` (key: cell_code) or `class` (key: minor_class_code); '' is "none". */
    dimension: text().notNull(),
    /** Local (Beijing) date of `reported_at`, `YYYY-MM-DD`. */
    day: text().notNull(),
    key: text().notNull(),
    /** Every case reported that day, voided and merged included (the daily intake). */
    reported: integer().notNull(),
    /** Those neither voided nor merged (the hotspot rule's count). */
    counted: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.day, t.key] })],
);

export const caseEvents = sqliteTable(
  'case_events',
  {
    /** Monotonic event id: the live stream's resume position. */
    id: integer().primaryKey({ autoIncrement: true }),
    caseId: integer().notNull(),
    caseNumber: text().notNull(),
    seq: integer().notNull(), // the case version this event produced
    type: text().notNull(),
    actorUserId: integer(),
    actorRole: text().notNull(),
    actorName: text().notNull(),
    actorUnitCode: text(),
    at: text().notNull(),
    fromState: text(),
    toState: text().notNull(),
    reason: text(),
    note: text(),
    attachments: text({ mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    /** The complete action as applied (replayable). */
    action: text({ mode: 'json' }).notNull(),
  },
  (t) => [
    uniqueIndex('case_events_case_seq').on(t.caseId, t.seq),
    index('case_events_at').on(t.at),
    // the reports' urge and escalate counts (督办): a few rows among every event of the period, read
    // from this index alone instead of each event of the month looked up for its type
    index('case_events_supervision')
      .on(t.at, t.type, t.caseId)
      .where(sql`${t.type} in ('urge', 'escalate')`),
  ],
);

export const attachments = sqliteTable('attachments', {
  sha256: text().primaryKey(),
  mime: text().notNull(),
  size: integer().notNull(),
  caseId: integer(),
  uploadedBy: integer(),
  createdAt: text().notNull(),
});

export const idempotencyKeys = sqliteTable('idempotency_keys', {
  key: text().primaryKey(),
  requestHash: text().notNull(),
  caseId: integer().notNull(),
  createdAt: text().notNull(),
});

export const caseNumberCounters = sqliteTable('case_number_counters', {
  day: text().primaryKey(),
  last: integer().notNull(),
});

/* ---------- citizen channel (网上举报): reports from phones, notifications, rate limits ---------- */

/** The citizen's side of an online report: tracking code, language, consent, photos. One per case. */
export const citizenReports = sqliteTable('citizen_reports', {
  id: integer().primaryKey({ autoIncrement: true }),
  caseId: integer().notNull().unique(),
  /** Unguessable public tracking code (Crockford base32), never the case number. */
  trackingCode: text().notNull().unique(),
  /** Language the citizen used: zh | en | mn (SMS and the tracking page follow it). */
  lang: text().notNull(),
  /** The citizen agreed that the report may be shown publicly. */
  publicOk: integer({ mode: 'boolean' }).notNull().default(false),
  /** SHA-256 of the report's photos (stored without metadata). */
  photos: text({ mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  /** Coordinate system the browser sent (wgs84 | gcj02 | bd09); stored lat/lng are WGS84. */
  coordSystem: text().notNull().default('wgs84'),
  createdAt: text().notNull(),
});

/**
 * Transactional outbox of SMS notifications: rows are written in the same transaction as the case
 * event they announce; a sender delivers them with retries and marks them sent.
 */
export const notificationOutbox = sqliteTable(
  'notification_outbox',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    caseId: integer().notNull(),
    /** The case event announced (null for none); (eventId, kind) is unique. */
    eventId: integer(),
    kind: text().notNull(), // received | filed | dispatched | closed | rework | rejected
    phone: text().notNull(),
    lang: text().notNull(),
    params: text({ mode: 'json' }).$type<Record<string, string>>().notNull(),
    status: text().notNull().default('pending'), // pending | sent | failed
    attempts: integer().notNull().default(0),
    nextAttemptAt: text().notNull(),
    /** A sender holds the row until this instant (several nodes may run senders). */
    lockedUntil: text(),
    lastError: text(),
    sentAt: text(),
    createdAt: text().notNull(),
  },
  (t) => [
    uniqueIndex('notification_outbox_event_kind').on(t.eventId, t.kind),
    index('notification_outbox_due').on(t.status, t.nextAttemptAt),
  ],
);

/** The local SMS sink (development and tests): what would have been sent. One row per outbox row. */
export const smsSink = sqliteTable('sms_sink', {
  id: integer().primaryKey({ autoIncrement: true }),
  outboxId: integer().notNull().unique(),
  phone: text().notNull(),
  lang: text().notNull(),
  kind: text().notNull(),
  templateId: text().notNull(),
  params: text({ mode: 'json' }).$type<Record<string, string>>().notNull(),
  text: text().notNull(),
  sentAt: text().notNull(),
});

/** rate-limiter-flexible's SQLite store (shared by every node on this database). */
export const rateLimits = sqliteTable('rate_limits', {
  key: text().primaryKey(),
  points: integer().notNull().default(0),
  expire: integer(),
});

/* ---------- administration ---------- */

/** Every change an administrator makes: who, when, what, and the record before and after. */
export const adminAudit = sqliteTable(
  'admin_audit',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: text().notNull(),
    actorUserId: integer(),
    actorName: text().notNull(),
    /** e.g. `user.create`, `routing.replace`, `calendar.load_year`, `api_key.revoke` */
    action: text().notNull(),
    /** What was changed, e.g. `user:12`, `unit:U05`, `minor_class:E0101`. */
    target: text().notNull(),
    before: text({ mode: 'json' }),
    after: text({ mode: 'json' }),
  },
  (t) => [index('admin_audit_at').on(t.at), index('admin_audit_target').on(t.target)],
);

/* ---------- the city's own gazetteer (地名地址库) ---------- */

/**
 * Residential compounds, buildings, door numbers and landmarks the city imports (admin console →
 * 地名地址), searched at intake and used to name the nearest address to a map click. One row per
 * (kind, name, address); a later import moves an existing row instead of duplicating it.
 */
export const gazetteerEntries = sqliteTable(
  'gazetteer_entries',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    /** `compound` 小区 · `building` 楼栋 · `door` 门牌 · `landmark` 地标 */
    kind: text().notNull(),
    name: text().notNull(),
    address: text().notNull().default(''),
    lng: real().notNull(),
    lat: real().notNull(),
    /** `seed` for the shipped demo list, else the import's audit target (`gazetteer:<n>`). */
    source: text().notNull(),
    updatedAt: text().notNull(),
  },
  (t) => [uniqueIndex('gazetteer_entries_key').on(t.kind, t.name, t.address)],
);
