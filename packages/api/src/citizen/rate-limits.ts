import {
  RateLimiterMemory,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type Database from 'better-sqlite3';
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
 * Limits on the citizen channel, per address and per phone number. The store is the seam: SQLite
 * (rate-limiter-flexible's own table `rate_limits` in the shared database, so every node writing to
 * that database counts together) or memory for a single process. A PostgreSQL deployment swaps in
 * `RateLimiterPostgres` here.
 */
export class CitizenLimits {
  private readonly reportsByIp: RateLimiterAbstract;
  private readonly reportsByPhone: RateLimiterAbstract;
  private readonly photosByIp: RateLimiterAbstract;
  private readonly lookupsByIp: RateLimiterAbstract;

  constructor(
    cfg: CitizenLimitsConfig,
    store: { kind: 'sqlite'; sqlite: Database.Database } | { kind: 'memory' },
  ) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
      store.kind === 'sqlite'
        ? new RateLimiterSQLite({
            storeClient: store.sqlite,
            storeType: 'better-sqlite3',
            tableName: 'rate_limits',
            tableCreated: true,
            keyPrefix,
            points,
            duration,
          })
        : new RateLimiterMemory({ keyPrefix, points, duration });
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
