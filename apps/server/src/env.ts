import { z } from 'zod';

/** All configuration, validated once. Nothing else reads process.env. */
const ZEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().default('data/citygrid.db'),
  /** Basemap tiles; empty = no basemap (the grid is the map). `{s}`, `{z}`, `{x}`, `{y}` as in Leaflet. */
  TILE_URL: z.string().default(''),
  TILE_ATTRIBUTION: z.string().default(''),
  /** Cases of history generated on first start of an empty database. */
  SEED_HISTORY_CASES: z.coerce.number().int().min(0).max(5_000_000).default(20_000),
  SEED_HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Demo Open311 API key created on first start (local use). */
  OPEN311_DEMO_KEY: z.string().default('citygrid-open311-demo-key'),
  /** Built web app to serve; empty to serve none. */
  WEB_DIST: z.string().default(''),
  /** Lower argon2 cost (tests only). */
  ARGON2_FAST: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** How often expired sessions and stale login-throttle entries are purged. */
  SESSION_PURGE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  DB_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /** WAL checkpoints in a worker thread (default) or inside commits (`inline`, for comparison). */
  DB_CHECKPOINT: z.enum(['background', 'inline']).default('background'),
});

export type ServerConfig = z.infer<typeof ZEnvSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const parsed = ZEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  return { ...parsed.data, ...overrides };
}
