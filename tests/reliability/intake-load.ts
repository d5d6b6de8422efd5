import { expect } from 'vitest';
import {
  ChildServer,
  SEED,
  freePort,
  intakeInput,
  replayMismatches,
  sleep,
  type Session,
  type SqlProbe,
} from './support.ts';

/** A node of the product in its own process on PostgreSQL at `url`, ready to serve. */
export async function nodeOn(url: string): Promise<ChildServer> {
  const s = new ChildServer('/nonexistent/not-used-with-postgres.db', await freePort(), {
    env: { DATABASE_URL: url, DATABASE_POOL: '6' },
  });
  await s.ready(60_000);
  return s;
}

/*
 * The load the crash tests run while they kill something: intake workers filing cases with
 * idempotency keys, and unit staff accepting acknowledged cases, so that both kinds of write are in
 * flight. What was acknowledged (a response received) and what was not is recorded for the checks.
 */
const INTAKE_WORKERS = 6;
const UNIT_WORKERS = 2;

export interface Submitted {
  key: string;
  description: string;
  phone: string;
  round: number;
}
export interface Acked extends Submitted {
  caseNumber: string;
}

export const submit = (s: Session, r: Submitted) =>
  s.client.intake.create.mutate({ ...intakeInput(r.description, r.phone), idempotencyKey: r.key });

/** Run intake load until `stop()`; collects what was acknowledged (a response received) and what was not. */
export function runLoad(operator: Session, unit: Session, round: number, random: () => number) {
  let stopped = false;
  const acked: Acked[] = [];
  const unacked: Submitted[] = [];
  const toAccept: Acked[] = [];
  const acceptedAcks: Array<{ caseNumber: string; version: number }> = [];
  const intake = Array.from({ length: INTAKE_WORKERS }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      const tag = `${SEED}-${round}-${w}-${i}`;
      const r: Submitted = {
        key: `crash-${tag}`,
        description: `崩溃测试 crash ${tag} ${Math.floor(random() * 1e9)}`,
        phone: `139${String(round * 1_000_000 + w * 10_000 + i).padStart(8, '0')}`,
        round,
      };
      try {
        const res = await submit(operator, r);
        const a = { ...r, caseNumber: res.caseNumber };
        acked.push(a);
        toAccept.push(a);
      } catch {
        unacked.push(r);
        return;
      }
    }
  });
  // unit staff accept acknowledged cases at the same time, so action writes are in flight too
  const accepting = Array.from({ length: UNIT_WORKERS }, async () => {
    while (!stopped) {
      const next = toAccept.shift();
      if (!next) {
        await sleep(5);
        continue;
      }
      try {
        const v = await unit.client.cases.act.mutate({
          caseNumber: next.caseNumber,
          expectedVersion: 3,
          action: { type: 'accept', note: '签收' },
        });
        acceptedAcks.push({ caseNumber: next.caseNumber, version: v.record.version });
      } catch {
        return;
      }
    }
  });
  return {
    acked,
    unacked,
    acceptedAcks,
    stop: async () => {
      stopped = true;
      await Promise.allSettled([...intake, ...accepting]);
    },
  };
}

/**
 * After a crash: every case acknowledged in the round exists with its facts and replays to its row;
 * every acknowledged accept is in the log at the version it was acknowledged with; the requests in
 * flight, retried with the same key, make one case each that replays (returned); acknowledged requests retried
 * once more answer with the same case, replayed.
 */
export async function checkAcknowledgedAndRetry(
  load: Pick<ReturnType<typeof runLoad>, 'acked' | 'unacked' | 'acceptedAcks'>,
  operator: Session,
  lead: Session,
  context: string,
): Promise<Acked[]> {
  for (const a of load.acked) {
    const view = await lead.client.cases.get.query({ caseNumber: a.caseNumber });
    expect(view.record.description, context).toBe(a.description);
    expect(view.record.callerPhone, context).toBe(a.phone);
    expect(replayMismatches(view), context).toEqual([]);
  }
  for (const a of load.acceptedAcks) {
    const view = await lead.client.cases.get.query({ caseNumber: a.caseNumber });
    expect(view.record.version, context).toBeGreaterThanOrEqual(a.version);
    expect(view.events.find((e) => e.seq === a.version)?.type, context).toBe('accept');
  }
  const retried: Acked[] = [];
  for (const r of load.unacked) {
    const res = await submit(operator, r);
    retried.push({ ...r, caseNumber: res.caseNumber });
    expect(
      replayMismatches(await lead.client.cases.get.query({ caseNumber: res.caseNumber })),
      context,
    ).toEqual([]);
  }
  for (const a of load.acked.slice(0, 5)) {
    const res = await submit(operator, a);
    expect(res.replayed, context).toBe(true);
    expect(res.caseNumber, context).toBe(a.caseNumber);
  }
  return retried;
}

/**
 * On the database itself (PostgreSQL through `pgSqlProbe`): the cases of `round` are exactly the
 * `expected` ones, one case each, and no case number is used twice.
 */
export async function expectEachFiledOnce(
  probe: SqlProbe,
  round: number,
  expected: ReadonlyArray<Pick<Submitted, 'description'>>,
  context: string,
): Promise<void> {
  const rows = await probe.all<{ description: string; n: number }>(
    'select description, count(*) as n from cases where description like ? group by description',
    `崩溃测试 crash ${SEED}-${round}-%`,
  );
  const stored = new Map(rows.map((r) => [r.description, Number(r.n)]));
  expect(
    [...stored.values()].filter((n) => n !== 1),
    context,
  ).toEqual([]);
  expect([...stored.keys()].sort(), context).toEqual(expected.map((r) => r.description).sort());
  // case numbers stay unique although the day's counter commits without waiting for the disk
  const numbers = await probe.all<{ case_number: string }>('select case_number from cases');
  expect(new Set(numbers.map((r) => r.case_number)).size, context).toBe(numbers.length);
}
