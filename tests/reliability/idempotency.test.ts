import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCALE,
  SEED,
  fcOptions,
  caseTotalsOf,
  sqlProbe,
  errorOf,
  intakeInput,
  loginAs,
  startTestServer,
  type Session,
  type TestServer,
} from './support.ts';

let server: TestServer;
let operator: Session;
let lead: Session;

beforeAll(async () => {
  server = await startTestServer();
  [operator, lead] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'lead')]);
});
afterAll(async () => server?.stop());

const db = () => sqlProbe(server.services);
const countOf = async (text: string, ...params: unknown[]) =>
  Number((await db().get<{ n: number }>(text, ...params))!.n);
const countWith = (description: string) =>
  countOf('select count(*) as n from cases where description = ?', description);
const keyRows = () => countOf('select count(*) as n from idempotency_keys');
let serial = 0;
const fresh = (what: string) => `${what} ${SEED}-${++serial}`;

describe('idempotent intake', () => {
  it('creates exactly one case for 20 concurrent submissions with one key, and answers all of them with it', async () => {
    const key = fresh('key-twenty');
    const description = fresh('幂等测试 twenty');
    const before = await caseTotalsOf(db());
    const keysBefore = await keyRows();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        operator.client.intake.create.mutate({
          ...intakeInput(description, '13900000020'),
          idempotencyKey: key,
        }),
      ),
    );
    expect(new Set(results.map((r) => r.caseNumber)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await countWith(description)).toBe(1);
    const after = await caseTotalsOf(db());
    expect(after.cases - before.cases).toBe(1);
    expect(after.events - before.events).toBe(results[0]!.version);
    expect((await keyRows()) - keysBefore).toBe(1);
  });

  it('refuses the same key with a different body with 422 naming idempotencyKey, and stores nothing', async () => {
    const key = fresh('key-mismatch');
    const description = fresh('幂等测试 first');
    await operator.client.intake.create.mutate({
      ...intakeInput(description, '13900000021'),
      idempotencyKey: key,
    });
    const before = await caseTotalsOf(db());
    const keysBefore = await keyRows();
    const variants = [
      { description: fresh('幂等测试 another problem') },
      { callerPhone: '13900000099' },
      { urgency: 'urgent' },
      { location: null, address: '别处' },
      { minorClassCode: 'C0101' },
    ];
    for (const v of variants) {
      const err = await errorOf(
        operator.client.intake.create.mutate({
          ...intakeInput(description, '13900000021'),
          ...v,
          idempotencyKey: key,
        } as never),
      );
      expect(err.httpStatus, JSON.stringify(v)).toBe(422);
      expect(err.fields.map((f) => f.field)).toEqual(['idempotencyKey']);
    }
    // even from another user with the right to file: the key is bound to its first request
    const err = await errorOf(
      lead.client.intake.create.mutate({
        ...intakeInput(fresh('幂等测试 lead'), '13900000021'),
        idempotencyKey: key,
      }),
    );
    expect(err.httpStatus).toBe(422);
    expect(await caseTotalsOf(db())).toEqual(before);
    expect(await keyRows()).toBe(keysBefore);
  });

  it('lets one of two different bodies racing on one key win; the other body gets 422, the winner replays', async () => {
    const key = fresh('key-race');
    const a = fresh('幂等测试 race A');
    const b = fresh('幂等测试 race B');
    const before = await caseTotalsOf(db());
    const calls = Array.from({ length: 20 }, (_, i) => {
      const description = i % 2 === 0 ? a : b;
      return operator.client.intake.create
        .mutate({ ...intakeInput(description, '13900000022'), idempotencyKey: key })
        .then(
          (r) => ({ description, ok: true as const, caseNumber: r.caseNumber, replayed: r.replayed }),
          async (e: unknown) => ({ description, ok: false as const, err: await errorOf(Promise.reject(e)) }),
        );
    });
    const results = await Promise.all(calls);
    const wins = results.filter((r) => r.ok);
    const winner = wins[0]!.description;
    expect(new Set(wins.map((r) => r.caseNumber)).size).toBe(1);
    expect(wins.filter((r) => !r.replayed)).toHaveLength(1);
    expect(wins.every((r) => r.description === winner)).toBe(true);
    expect(wins).toHaveLength(10);
    for (const r of results.filter((x) => !x.ok)) {
      expect(r.description).not.toBe(winner);
      expect(r.err.httpStatus).toBe(422);
      expect(r.err.fields[0]?.field).toBe('idempotencyKey');
    }
    expect((await countWith(a)) + (await countWith(b))).toBe(1);
    expect((await caseTotalsOf(db())).cases - before.cases).toBe(1);
  });

  it('keeps one case per key under random concurrent mixes of keys and bodies', async () => {
    const command = fc.record({ key: fc.integer({ min: 0, max: 3 }), body: fc.integer({ min: 0, max: 2 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 16 }),
        fc.integer(),
        async (cmds, salt) => {
          const run = `${SEED}-${++serial}-${salt}`;
          const before = await caseTotalsOf(db());
          const results = await Promise.all(
            cmds.map((c) =>
              operator.client.intake.create
                .mutate({
                  ...intakeInput(`幂等测试 mix ${run} k${c.key} b${c.body}`, '13900000023'),
                  idempotencyKey: `mix-${run}-k${c.key}`,
                })
                .then(
                  (r) => ({ ...c, ok: true as const, caseNumber: r.caseNumber, replayed: r.replayed }),
                  async (e: unknown) => ({
                    ...c,
                    ok: false as const,
                    status: (await errorOf(Promise.reject(e))).httpStatus,
                  }),
                ),
            ),
          );
          const keys = [...new Set(cmds.map((c) => c.key))];
          for (const k of keys) {
            const forKey = results.filter((r) => r.key === k);
            const wins = forKey.filter((r) => r.ok);
            // the key's first committed body wins: every success is that body and that one case
            expect(wins.length).toBeGreaterThan(0);
            expect(new Set(wins.map((w) => w.body)).size).toBe(1);
            expect(new Set(wins.map((w) => w.caseNumber)).size).toBe(1);
            expect(wins.filter((w) => !w.replayed)).toHaveLength(1);
            for (const l of forKey.filter((r) => !r.ok)) {
              expect(l.status).toBe(422);
              expect(l.body).not.toBe(wins[0]!.body);
            }
          }
          expect((await caseTotalsOf(db())).cases - before.cases).toBe(keys.length);
        },
      ),
      fcOptions(15 * SCALE),
    );
  });
});
