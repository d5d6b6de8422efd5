import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CITY_CENTRE, healthOk, loginAs, startTestServer, waitFor } from './testing/index.ts';

/**
 * Stopping a node (SIGTERM → `close()`): the balancer is told first (health 503 while the node still
 * serves), then the node stops taking connections, lets in-flight filings finish, and closes.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'citygrid-shutdown-'));
  dirs.push(d);
  return d;
};
const intakeInput = (description: string) => ({
  callerPhone: '13800000077',
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description,
  urgency: 'normal' as const,
  location: CITY_CENTRE,
});

describe('the health of a node', () => {
  it('says how long acknowledgements waited for the disk (the WAL fsyncs off the event loop)', async () => {
    const server = await startTestServer({}, { dir: freshDir() });
    try {
      const operator = await loginAs(server, 'operator');
      await operator.client.intake.create.mutate(intakeInput('健康检查'));
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        walFsync: { syncs: number; over25ms: number; over100ms: number; slowestMs: number } | null;
      };
      expect(health.walFsync).not.toBeNull();
      expect(health.walFsync!.syncs).toBeGreaterThanOrEqual(1);
      expect(health.walFsync!.slowestMs).toBeGreaterThan(0);
      expect(health.walFsync!.over25ms).toBeLessThanOrEqual(health.walFsync!.syncs);
    } finally {
      await server.stop();
    }
  });
});

describe('stopping a node', () => {
  it('answers /health with 503 while it drains, still serving requests, then stops taking connections', async () => {
    const server = await startTestServer({ DRAIN_GRACE_MS: 1500 }, { dir: freshDir() });
    const operator = await loginAs(server, 'operator');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const closing = server.close();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    // work already routed to this node is still done during the grace
    const filed = await operator.client.intake.create.mutate(intakeInput('排空期间受理'));
    expect(filed.caseNumber).toMatch(/^\d{8}-\d{4,}$/);
    await closing;
    expect(await healthOk(server.url)).toBe(false);
  });

  it('lets a filing that is in flight when the node stops finish and answer, and keeps it', async () => {
    const dir = freshDir();
    const server = await startTestServer({}, { dir });
    const operator = await loginAs(server, 'operator');
    // hold each filing inside the server for a moment, so that it is surely in flight at close()
    const intake = server.services.cases.intake.bind(server.services.cases);
    let entered = 0;
    server.services.cases.intake = async (...args: Parameters<typeof intake>) => {
      entered++;
      await new Promise((r) => setTimeout(r, 300));
      return intake(...args);
    };
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      operator.client.intake.create.mutate(intakeInput(`停机时在途 ${i}`)),
    );
    await waitFor(() => entered === 5, 'five filings inside the server');
    await server.close();
    const filed = await Promise.all(inFlight);
    // every acknowledged case is on disk: a new server on the same database reads them
    const again = await startTestServer({}, { dir });
    try {
      const lead = await loginAs(again, 'lead');
      for (const f of filed)
        expect((await lead.client.cases.get.query({ caseNumber: f.caseNumber })).record.caseNumber).toBe(
          f.caseNumber,
        );
    } finally {
      await again.close();
    }
  });
});
