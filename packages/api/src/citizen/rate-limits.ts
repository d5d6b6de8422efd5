import {
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type Database from 'better-sqlite3';
import { pgSchema, type PgDrizzle } from '@citygrid/db';
import { DomainError } from '@citygrid/domain';

export interface CitizenLimitsConfig {
  reportsPerIpPerHour: number;
  reportsPerPhonePerDay: number;
  photosPerIpPerHour: number;
  lookupsPerIpPerMinute: number;
}

export const DEFAULT_CITIZEN_LIMITS: CitizenLimitsConfig = {
  reportsPerIpPerHour: 10,
  reportsPerPhonePerDay: 5,
  photosPerIpPerHour: 40,
  lookupsPerIpPerMinute: 60,
};

/**
 * Where the counters live: the shared database's `rate_limits` table (every node on that database
 * counts together) or this process's memory.
 */
export type CitizenLimiterStore =
  { kind: 'sqlite'; sqlite: Database.Database } | { kind: 'postgres'; db: PgDrizzle } | { kind: 'memory' };

/**
 * Limits on the citizen channel, per address and per phone number, all by rate-limiter-flexible.
 * SQLite: `RateLimiterSQLite` on the database's `rate_limits` table. PostgreSQL: `RateLimiterDrizzle`
 * over the same table through our drizzle/postgres.js pool (its `RateLimiterPostgres` takes only
 * node-postgres, Knex, Sequelize or TypeORM clients, a second driver); each hit is one
 * `insert … on conflict do update … returning`, so concurrent hits from any number of nodes are
 * counted exactly once each under the row's lock.
 */
export class CitizenLimits {
  private readonly reportsByIp: RateLimiterAbstract;
  private readonly reportsByPhone: RateLimiterAbstract;
  private readonly photosByIp: RateLimiterAbstract;
  private readonly lookupsByIp: RateLimiterAbstract;

  constructor(cfg: CitizenLimitsConfig, store: CitizenLimiterStore) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      switch (store.kind) {
        case 'sqlite':
          return new RateLimiterSQLite({
            storeClient: store.sqlite,
            storeType: 'better-sqlite3',
            tableName: 'rate_limits',
            tableCreated: true,
            keyPrefix,
            points,
            duration,
          });
        case 'postgres':
          return new RateLimiterDrizzle({
            storeClient: store.db,
            schema: pgSchema.rateLimits,
            keyPrefix,
            points,
            duration,
          });
        case 'memory':
          return new RateLimiterMemory({ keyPrefix, points, duration });
      }
    };
    this.reportsByIp = make('report_ip', cfg.reportsPerIpPerHour, 3600);
    this.reportsByPhone = make('report_phone', cfg.reportsPerPhonePerDay, 86_400);
    this.photosByIp = make('photo_ip', cfg.photosPerIpPerHour, 3600);
    this.lookupsByIp = make('track_ip', cfg.lookupsPerIpPerMinute, 60);
  }

  private async take(
    limiter: RateLimiterAbstract,
    key: string,
    field: string,
    reason: string,
  ): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw new DomainError(
          'TOO_MANY_REQUESTS',
          `too many requests from this ${field}; try again in ${Math.ceil(e.msBeforeNext / 1000)} s`,
          {
            field,
            reason,
            retryAfterS: Math.ceil(e.msBeforeNext / 1000),
          },
        );
      }
      throw e;
    }
  }

  report(ip: string, phone: string | null): Promise<void> {
    return (async () => {
      await this.take(this.reportsByIp, ip, 'ip', 'rate_limited');
      if (phone) await this.take(this.reportsByPhone, phone, 'phone', 'rate_limited_phone');
    })();
  }
  photo(ip: string): Promise<void> {
    return this.take(this.photosByIp, ip, 'ip', 'rate_limited');
  }
  lookup(ip: string): Promise<void> {
    return this.take(this.lookupsByIp, ip, 'ip', 'rate_limited');
  }
}
