import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SCALE,
  SEED,
  intakeInput,
  loginAs,
  rng,
  sleep,
  sqlProbe,
  startTestServer,
  waitFor,
  type Session,
  type TestServer,
} from './support.ts';

/**
 * The live case stream across disconnects and a server restart: every client that resumes from
 * the last id it received ends up with exactly the database's event sequence, nothing lost,
 * nothing twice, in order.
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-live-'));
let server: TestServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A watcher that records event ids and can drop and resume its connection. */
class Watcher {
  readonly ids: number[] = [];
  readonly errors: string[] = [];
  private session: Session | null = null;
  private unsubscribe: (() => void) | null = null;
  reconnects = 0;
  constructor(readonly username: string) {}

  get last(): number {
    return this.ids.at(-1) ?? 0;
  }

  async connect(url: string): Promise<void> {
    if (!this.session || this.session.baseUrl !== url) this.session = await loginAs({ url }, this.username);
    const sub = this.session.client.live.onCaseEvent.subscribe(
      { lastEventId: this.last },
      {
        onData: (d) => this.ids.push(d.data.id),
        onError: (e) => this.errors.push(String(e)),
      },
    );
    this.unsubscribe = () => sub.unsubscribe();
  }

  disconnect(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  get connected(): boolean {
    return this.unsubscribe !== null;
  }
}

const allEventIds = async () =>
  (await sqlProbe(server!.services).all<{ id: number }>('select id from case_events order by id')).map((r) =>
    Number(r.id),
  );

async function fileCases(operator: Session, unit: Session, n: number, tag: string): Promise<void> {
  // a few at a time, with some unit actions in between, so events come in batches and singly
  for (let i = 0; i < n; i += 4) {
    const created = await Promise.all(
      Array.from({ length: Math.min(4, n - i) }, (_, k) =>
        operator.client.intake.create.mutate(intakeInput(`直播重启 ${tag} ${i + k}`, '13400000000')),
      ),
    );
    await Promise.all(
      created
        .filter((_, k) => k % 2 === 0)
        .map((c) =>
          unit.client.cases.act.mutate({
            caseNumber: c.caseNumber,
            expectedVersion: c.version,
            action: { type: 'accept' },
          }),
        ),
    );
  }
}

describe('the live stream across disconnects and a restart', () => {
  it('gives every resuming client exactly the database’s event sequence, before and after a restart', async () => {
    const random = rng(SEED);
    server = await startTestServer({}, { dir });
    const steady = new Watcher('supervisor');
    const flappy = [new Watcher('lead'), new Watcher('dispatcher'), new Watcher('supervisor')];
    // left connected through the restart: the tRPC client reconnects by itself, resuming from its last id
    const selfHealing = new Watcher('inspector');
    const watchers = [steady, ...flappy];
    for (const w of [...watchers, selfHealing]) await w.connect(server.url);
    await sleep(300);

    // load, while some clients drop and resume at random moments
    let loading = true;
    const flapping = flappy.map(async (w) => {
      while (loading) {
        await sleep(30 + random() * 200);
        if (w.connected) w.disconnect();
        else {
          await w.connect(server!.url);
          w.reconnects++;
        }
      }
      if (!w.connected) await w.connect(server!.url);
    });
    const [operator, unit] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'unit-u09')]);
    await fileCases(operator, unit, 40 * SCALE, 'before');
    loading = false;
    await Promise.all(flapping);

    let expected = await allEventIds();
    for (const w of [...watchers, selfHealing])
      await waitFor(() => w.last === expected.at(-1), `${w.username} to catch up before the restart`);
    for (const w of [...watchers, selfHealing]) expect(w.ids).toEqual(expected);
    expect(flappy.every((w) => w.reconnects > 0)).toBe(true);

    // stop the server: connections drop; nothing is filed while it is down
    const port = server.port;
    await server.stop();
    for (const w of watchers) w.disconnect();
    const lastBefore = expected.at(-1)!;

    // restart on the same database and port, file more, resume from the last id each client received
    // let this process's HTTP client see the closed keep-alive sockets before the port is reused
    // (client and server share one event loop here; a separate browser would not reuse them)
    await sleep(200);
    server = await startTestServer({ PORT: port }, { dir });
    expect((await allEventIds()).at(-1)).toBe(lastBefore);
    const [operator2, unit2] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'unit-u09')]);
    const filing = fileCases(operator2, unit2, 12 * SCALE, 'after');
    // some clients come back during the new load, some after it
    await Promise.all(watchers.slice(0, 2).map((w) => w.connect(server!.url)));
    await filing;
    await Promise.all(watchers.slice(2).map((w) => w.connect(server!.url)));

    expected = await allEventIds();
    expect(expected.at(-1)).toBeGreaterThan(lastBefore);
    for (const w of watchers)
      await waitFor(() => w.last === expected.at(-1), `${w.username} to catch up after the restart`);
    await waitFor(
      () => selfHealing.last === expected.at(-1),
      'the self-healing client to reconnect and catch up',
      30_000,
    );
    await sleep(200); // anything arriving twice would arrive now
    for (const w of [...watchers, selfHealing]) {
      w.disconnect();
      expect(w.ids).toEqual(expected);
    }
  });
});
