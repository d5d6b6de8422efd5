import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  openDatabase,
  openPgDatabase,
  pgTestAvailability,
  startTestCluster,
  type TestCluster,
} from '@citygrid/db';
import { DomainError } from '@citygrid/domain';
import { CitizenLimits, type CitizenLimitsConfig } from './rate-limits.ts';

/*
 * The citizen channel's limits hold across nodes: two limiters on two connections (pools) of the
 * same database, as two nodes behind the balancer hold, count every hit once between them.
 */

const LIMITS: CitizenLimitsConfig = {
  reportsPerIpPerHour: 4,
  reportsPerPhonePerDay: 3,
  photosPerIpPerHour: 7,
  lookupsPerIpPerMinute: 5,
};

interface Opened {
  node1: CitizenLimits;
  node2: CitizenLimits;
  close(): Promise<void>;
}

const pg = pgTestAvailability();
let cluster: TestCluster | null = null;
let dbCounter = 0;

const backends: Array<{ name: 'sqlite' | 'postgres'; open: () => Promise<Opened> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-limits-'));
      const a = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      const b = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      return {
        node1: new CitizenLimits(LIMITS, { kind: 'sqlite', sqlite: a.sqlite }),
        node2: new CitizenLimits(LIMITS, { kind: 'sqlite', sqlite: b.sqlite }),
        close: async () => {
          a.close();
          b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = cluster!.createDatabase(`limits_${++dbCounter}`);
      const a = await openPgDatabase(url, { max: 4 });
      const b = await openPgDatabase(url, { max: 4, migrate: false });
      return {
        node1: new CitizenLimits(LIMITS, { kind: 'postgres', db: a.db }),
        node2: new CitizenLimits(LIMITS, { kind: 'postgres', db: b.db }),
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  },
];

beforeAll(async () => {
  if (pg.available) cluster = await startTestCluster({ bin: pg.bin });
});
afterAll(() => cluster?.stop());

/** The refusal a hit got, or null when it was let through. */
const refusalOf = (p: Promise<void>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe.each(backends.filter((b) => b.name === 'sqlite' || pg.available))(
  'citizen rate limits on $name',
  ({ open }) => {
    let db: Opened;
    beforeEach(async () => {
      db = await open();
    });
    afterEach(async () => {
      await db.close();
    });

    it('counts an address’s reports on both nodes together and refuses the one over the limit, naming the field', async () => {
      for (let i = 0; i < LIMITS.reportsPerIpPerHour; i++)
        await (i % 2 ? db.node2 : db.node1).report('10.0.0.1', null);
      const refused = await refusalOf(db.node2.report('10.0.0.1', null));
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        details: { field: 'ip', reason: 'rate_limited' },
      });
      const retryAfterS = (refused as DomainError).details.retryAfterS as number;
      expect(retryAfterS).toBeGreaterThan(3590);
      expect(retryAfterS).toBeLessThanOrEqual(3600);
      expect(await refusalOf(db.node1.report('10.0.0.1', null))).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      // another address has its own count
      expect(await refusalOf(db.node1.report('10.0.0.2', null))).toBeNull();
    });

    it('lets exactly the limit through when hits arrive at once on both nodes', async () => {
      const hits = Array.from({ length: 20 }, (_, i) =>
        refusalOf((i % 2 ? db.node2 : db.node1).photo('10.0.0.3')),
      );
      const outcomes = await Promise.all(hits);
      expect(outcomes.filter((o) => o === null)).toHaveLength(LIMITS.photosPerIpPerHour);
      expect(
        outcomes.filter((o) => o !== null).every((o) => (o as DomainError).code === 'TOO_MANY_REQUESTS'),
      ).toBe(true);
    });

    it('limits a phone number across addresses and nodes', async () => {
      for (let i = 0; i < LIMITS.reportsPerPhonePerDay; i++)
        await (i % 2 ? db.node2 : db.node1).report(`10.1.0.${i}`, '13900000001');
      expect(await refusalOf(db.node2.report('10.1.0.99', '13900000001'))).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        details: { field: 'phone', reason: 'rate_limited_phone' },
      });
      expect(await refusalOf(db.node1.report('10.1.0.98', '13900000002'))).toBeNull();
    });
  },
);
