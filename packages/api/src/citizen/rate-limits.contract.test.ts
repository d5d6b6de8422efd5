import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contractBackends } from '@citygrid/db';
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

const backends = contractBackends('limits');

async function open(backend: 'sqlite' | 'postgres'): Promise<Opened> {
  const d = await backends.open(backend);
  if (d.backend === 'sqlite')
    return {
      node1: new CitizenLimits(LIMITS, { kind: 'sqlite', sqlite: d.a.sqlite }),
      node2: new CitizenLimits(LIMITS, { kind: 'sqlite', sqlite: d.b.sqlite }),
      close: d.close,
    };
  return {
    node1: new CitizenLimits(LIMITS, { kind: 'postgres', db: d.a.db }),
    node2: new CitizenLimits(LIMITS, { kind: 'postgres', db: d.b.db }),
    close: d.close,
  };
}

beforeAll(() => backends.start());
afterAll(() => backends.stop());

/** The refusal a hit got, or null when it was let through. */
const refusalOf = (p: Promise<void>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe.each(backends.names)('citizen rate limits on %s', (backend) => {
  let db: Opened;
  beforeEach(async () => {
    db = await open(backend);
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
});
