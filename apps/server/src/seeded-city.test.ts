import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginMany, startTestServer, TestClock, type Session, type TestServer } from './testing/index.ts';

// The second of a month, mid-morning in Beijing: the worst day for a "this month" ranking.
const NOW = '2026-12-02T02:00:00.000Z';
const DAY = 86_400_000;
const CLOCK_RUNNING = [
  'dispatched',
  'accepted',
  'return_requested',
  'extension_requested',
  'park_requested',
] as const;

let server: TestServer;
let supervisor: Session;

beforeAll(async () => {
  // what the first start does: 20,000 cases of history relative to "now"
  server = await startTestServer(
    { SEED_HISTORY_CASES: 20_000, SEED_HISTORY_DAYS: 730 },
    { clock: new TestClock(Date.parse(NOW)) },
  );
  [supervisor] = await loginMany(server, ['supervisor'] as const);
}, 300_000);
afterAll(async () => server?.stop());

describe('the seeded demo city looks like a working city', () => {
  it('closes 85–95 % of its settled cases on time', async () => {
    const [all] = await supervisor.client.dashboard.evaluation.query({
      period: {
        from: new Date(Date.parse(NOW) - 730 * DAY).toISOString(),
        to: new Date(Date.parse(NOW) - 30 * DAY).toISOString(),
      },
      groupBy: 'none',
    });
    expect(all!.dispatched).toBeGreaterThan(15_000);
    expect(all!.onTimeCloseRate).toBeGreaterThanOrEqual(0.85);
    expect(all!.onTimeCloseRate).toBeLessThanOrEqual(0.95);
    expect(all!.closeRate).toBeGreaterThan(0.97);
  });

  it('has an open backlog days old, of which only a few percent are overdue and none by weeks', async () => {
    const { open, overdue, intake } = await supervisor.client.dashboard.today.query();
    // mid-morning: this morning's calls are in
    expect(intake).toBeGreaterThan(0);
    expect(open).toBeGreaterThan(10);
    expect(overdue).toBeGreaterThan(0);
    expect(overdue / open).toBeLessThanOrEqual(0.1);
    const openCases = await supervisor.client.dashboard.openCases.query({});
    const oldest = Math.min(...openCases.map((c) => Date.parse(c.reportedAt)));
    expect((Date.parse(NOW) - oldest) / DAY).toBeLessThan(30);
    const overdueCases = openCases.filter(
      (c) =>
        (CLOCK_RUNNING as readonly string[]).includes(c.state) &&
        c.dueAt !== null &&
        Date.parse(c.dueAt) < Date.parse(NOW),
    );
    expect(overdueCases.length).toBe(overdue);
    for (const c of overdueCases) expect((Date.parse(NOW) - Date.parse(c.dueAt!)) / DAY).toBeLessThan(14);
  });

  it('ranks units over the last 30 days on the second of the month, not all at zero', async () => {
    const rows = await supervisor.client.dashboard.evaluation.query({
      period: { from: new Date(Date.parse(NOW) - 30 * DAY).toISOString(), to: NOW },
      groupBy: 'unit',
    });
    const ranked = rows.filter((r) => r.key && r.dispatched > 0);
    expect(ranked.length).toBeGreaterThan(5);
    const zero = ranked.filter((r) => (r.onTimeCloseRate ?? 0) === 0);
    expect(zero.length).toBeLessThan(ranked.length / 2);
  });
});
