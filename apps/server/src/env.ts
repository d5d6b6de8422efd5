import { z } from 'zod';
import { checkTileSettings } from './tile-config.ts';

/** All configuration, validated once. Nothing else reads process.env. */
const ZEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().default('data/citygrid.db'),
  /**
   * PostgreSQL instead of the SQLite file: `postgres://user:pass@host:5432/citygrid`, several hosts
   * for a primary and its standby (`postgres://u@pg1:5432,pg2:5432/citygrid?target_session_attrs=read-write`).
   * Any number of nodes may share it. Empty: SQLite at DATABASE_PATH.
   */
  DATABASE_URL: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), {
      message: 'a postgres:// URL (or empty for SQLite at DATABASE_PATH)',
    }),
  /**
   * With DATABASE_URL: where the evaluation, the reports (日报/周报/月报, the Excel export) and the
   * intake trend read, figures over past periods that may be seconds old: a standby
   * (`postgres://u@pg2:5432/citygrid`). Whenever it cannot answer they read the primary. The map,
   * today's figures, queues and every case read stay on the primary. Empty: all read DATABASE_URL.
   */
  DATABASE_READ_URL: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), {
      message: 'a postgres:// URL of a standby (or empty)',
    }),
  /** Connections each node keeps to PostgreSQL. */
  DATABASE_POOL: z.coerce.number().int().min(2).max(500).default(10),
  /** Basemap tiles; empty = no basemap (the grid is the map). `{s}`, `{z}`, `{x}`, `{y}` as in Leaflet. */
  TILE_URL: z.string().trim().default(''),
  /** Subdomains for `{s}`: comma-separated (`t0,t1`) or one character each (`01234567`); default `abc`. */
  TILE_SUBDOMAINS: z.string().default(''),
  /** Label (annotation) tiles drawn over the basemap, same placeholders (Tianditu `cva_w`). */
  TILE_ANNOTATION_URL: z.string().trim().default(''),
  /** The coordinate system the tiles are drawn in: `gcj02` for AMap/Tencent, `wgs84` for Tianditu/OSM. */
  TILE_CRS: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  TILE_ATTRIBUTION: z.string().default(''),
  /** Cases of history generated on first start of an empty database. */
  SEED_HISTORY_CASES: z.coerce.number().int().min(0).max(5_000_000).default(20_000),
  SEED_HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  /** At most this many open cases on the command map; over it the map says it shows only these. */
  MAP_MARKER_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Demo Open311 API key created on first start (local use). */
  OPEN311_DEMO_KEY: z.string().default('citygrid-open311-demo-key'),
  /** Built web app to serve; empty to serve none. */
  WEB_DIST: z.string().default(''),
  /** Lower argon2 cost (tests only). */
  ARGON2_FAST: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** How often expired sessions and stale login-throttle entries are purged. */
  SESSION_PURGE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  /**
   * When an acknowledged write is on the disk (packages/db client.ts): `offloaded` (default) fsyncs
   * the WAL off the event loop before acknowledging; `FULL` inside COMMIT; `NORMAL` never waits.
   */
  DB_SYNCHRONOUS: z.enum(['offloaded', 'FULL', 'NORMAL']).default('offloaded'),
  /**
   * On SIGTERM, how long `/health` answers 503 (draining) before the node stops taking connections,
   * so a load balancer's health checks take it out first: behind the shipped HAProxy config (checks
   * every 2 s, 2 failures take a node out) 5000; alone, 0.
   */
  DRAIN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /** After the grace, how long in-flight requests may take to finish before connections are cut. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /* --- citizen channel (网上举报) --- */
  /** Public base URL of the site, used in SMS links (e.g. https://12319.example.gov.cn). */
  PUBLIC_URL: z.string().default(''),
  /** `sink`: messages go to the sms_sink table (development); `http`: a real SMS gateway. */
  SMS_PROVIDER: z.enum(['sink', 'http']).default('sink'),
  SMS_HTTP_URL: z.string().default(''),
  SMS_HTTP_TOKEN: z.string().default(''),
  SMS_SIGN_NAME: z.string().default('锡林浩特城管'),
  /** JSON object: template id per `kind.lang`, e.g. {"dispatched.zh":"SMS_123","dispatched.mn":"SMS_124"}. */
  SMS_TEMPLATES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        const v = JSON.parse(s) as unknown;
        if (
          v &&
          typeof v === 'object' &&
          !Array.isArray(v) &&
          Object.values(v).every((x) => typeof x === 'string')
        )
          return v as Record<string, string>;
      } catch {
        /* reported below */
      }
      ctx.addIssue({
        code: 'custom',
        message: 'a JSON object of template ids, e.g. {"dispatched.zh":"SMS_123"}',
      });
      return z.NEVER;
    }),
  CITIZEN_REPORTS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
  CITIZEN_REPORTS_PER_PHONE_PER_DAY: z.coerce.number().int().min(1).default(5),
  CITIZEN_PHOTOS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(40),
  /** `sqlite`: limits shared by every node on the database; `memory`: per process. */
  RATE_LIMIT_STORE: z.enum(['sqlite', 'memory']).default('sqlite'),
  /** WAL checkpoints in a worker thread (default) or inside commits (`inline`, for comparison). */
  DB_CHECKPOINT: z.enum(['background', 'inline']).default('background'),
  /**
   * How V8 marks the old generation (gc-marking.ts): `main-thread` (default) in small steps between
   * requests; `concurrent` (V8's own default) on helper threads, worth it with cores to spare.
   */
  GC_MARKING: z.enum(['main-thread', 'concurrent']).default('main-thread'),
});

export type ServerConfig = z.infer<typeof ZEnvSchema>;

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  const parsed = ZEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  const config = { ...parsed.data, ...overrides };
  checkTileSettings(config);
  if (config.DATABASE_READ_URL && !config.DATABASE_URL)
    throw new Error(
      'invalid configuration: DATABASE_READ_URL: needs DATABASE_URL (a standby of that PostgreSQL)',
    );
  if (config.SMS_PROVIDER === 'http' && !config.SMS_HTTP_URL)
    throw new Error('invalid configuration: SMS_HTTP_URL: required when SMS_PROVIDER=http');
  return config;
}
