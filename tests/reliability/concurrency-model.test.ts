import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TRANSITIONS,
  listAllowedActions,
  type CaseActionType,
  type CaseSnapshot,
  type Role,
} from '@citygrid/domain';
import {
  CITY_CENTRE,
  OUTSIDE_GRID,
  SCALE,
  SEED,
  errorOf,
  fcOptions,
  intakeInput,
  loginAs,
  replayMismatches,
  startTestServer,
  type Session,
  type TestServer,
} from './support.ts';

/**
 * Model-based concurrency: several actors fire random actions at a few cases at the same time,
 * often with stale versions. The model: a case's version only moves by successful actions, one
 * version per success; refusals (409, 422, 403, 400) change nothing; the row always equals the
 * replay of its event log; nothing ever answers 5xx.
 */
interface ActorDef {
  username: string;
  role: Role;
  unitCode: string | null;
}
const ACTORS: ActorDef[] = [
  { username: 'unit-u09', role: 'unit_staff', unitCode: 'U09' },
  { username: 'unit-u12', role: 'unit_staff', unitCode: 'U12' },
  { username: 'dispatcher', role: 'dispatcher', unitCode: null },
  { username: 'lead', role: 'shift_lead', unitCode: null },
  { username: 'inspector', role: 'inspector', unitCode: null },
  { username: 'operator', role: 'operator', unitCode: null },
];

/** One procedure carries every case action; the transitions table decides who may take which. */
type Procedure = 'cases.act';
const PROCEDURES: Record<Procedure, { roles: Role[]; actions: CaseActionType[] }> = {
  'cases.act': {
    roles: ['dispatcher', 'shift_lead', 'unit_staff', 'inspector', 'operator'],
    actions: [
      'verify',
      'file',
      'void',
      'merge',
      'dispatch',
      'redispatch',
      'accept',
      'request_return',
      'approve_return',
      'refuse_return',
      'request_extension',
      'approve_extension',
      'refuse_extension',
      'request_park',
      'approve_park',
      'refuse_park',
      'resume',
      'report_disposal',
      'close',
      'rework',
      'callback',
    ],
  },
};
const CLIENT_ACTIONS = (Object.keys(TRANSITIONS) as CaseActionType[]).filter((t) => t !== 'report');
const CASES_PER_RUN = 4;
const OK_STATUSES = [200, 400, 403, 409, 422];

let server: TestServer;
const sessions: Session[] = [];
const userIds: number[] = [];
let operator: Session;
let lead: Session;

beforeAll(async () => {
  server = await startTestServer();
  for (const a of ACTORS) {
    const s = await loginAs(server, a.username);
    sessions.push(s);
    userIds.push((await s.client.auth.me.query())!.user.id);
  }
  operator = sessions[ACTORS.findIndex((a) => a.username === 'operator')]!;
  lead = sessions[ACTORS.findIndex((a) => a.username === 'lead')]!;
});
afterAll(async () => server?.stop());

interface Command {
  caseIdx: number;
  actorIdx: number;
  /** Pick among the actions the actor believes are allowed (mostly) or among all of them. */
  fromAllowed: boolean;
  pick: number;
  /** Added to the believed version: 0 fresh, negative stale, positive from the future. */
  skew: number;
  /** Send through a procedure the actor's role may not use. */
  wrongProcedure: boolean;
}
const commandArb: fc.Arbitrary<Command> = fc.record({
  caseIdx: fc.nat({ max: CASES_PER_RUN - 1 }),
  actorIdx: fc.nat({ max: ACTORS.length - 1 }),
  fromAllowed: fc.integer({ min: 0, max: 3 }).map((n) => n !== 0),
  pick: fc.nat({ max: 1000 }),
  skew: fc.constantFrom(0, 0, 0, 0, -1, -2, 1),
  wrongProcedure: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});
const wavesArb = fc.array(fc.array(commandArb, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 12,
});

function payload(
  type: CaseActionType,
  pick: number,
  caseNumbers: string[],
  self: string,
): Record<string, unknown> {
  const reason = `可靠性测试 ${type} 原因`;
  switch (type) {
    case 'void':
    case 'refuse_return':
    case 'refuse_extension':
    case 'refuse_park':
    case 'request_return':
    case 'request_park':
    case 'rework':
      return { type, reason };
    case 'merge': {
      const others = caseNumbers.filter((c) => c !== self);
      return { type, targetCaseNumber: others[pick % others.length] };
    }
    case 'dispatch':
      return { type, unitCode: pick % 2 === 0 ? 'U09' : 'U12' };
    case 'redispatch':
      return { type, unitCode: pick % 2 === 0 ? 'U09' : 'U12', reason };
    case 'request_extension':
      return { type, reason, amount: 1 + (pick % 8) };
    case 'report_disposal':
      return { type, note: '已处置完毕', attachments: [] };
    case 'callback':
      return { type, satisfaction: 1 + (pick % 5) };
    default:
      return { type, note: `可靠性测试 ${type}` };
  }
}

interface Outcome {
  caseIdx: number;
  actorIdx: number;
  type: CaseActionType;
  procedure: Procedure;
  expectedVersion: number;
  status: number;
  version?: number;
  /** For a merge: the case it was merged into (which records the call with an automatic event). */
  target?: string;
}

async function fileCases(run: string): Promise<Array<{ caseNumber: string; version: number }>> {
  const dispatched = await operator.client.intake.create.mutate(
    intakeInput(`并发模型 ${run} a`, '13700000001'),
  );
  const dispatched2 = await operator.client.intake.create.mutate(
    intakeInput(`并发模型 ${run} b`, '13700000002', {
      location: { lat: CITY_CENTRE.lat + 0.001, lng: CITY_CENTRE.lng },
    }),
  );
  const filed = await operator.client.intake.create.mutate(
    intakeInput(`并发模型 ${run} c`, '13700000003', { location: OUTSIDE_GRID }),
  );
  // a public report (Open311) stays `reported` until someone verifies or files it
  const res = await fetch(`${server.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: 'test-key',
      service_code: 'C0302',
      lat: String(CITY_CENTRE.lat),
      long: String(CITY_CENTRE.lng),
      description: `并发模型 ${run} d`,
    }).toString(),
  });
  expect(res.status).toBe(200);
  const [reported] = (await res.json()) as Array<{ service_request_id: string }>;
  const r = await lead.client.cases.get.query({ caseNumber: reported!.service_request_id });
  return [dispatched, dispatched2, filed, { caseNumber: r.record.caseNumber, version: r.record.version }];
}

describe('concurrent actors on shared cases (model-based)', () => {
  it('moves each case one version per success, never changes a row on refusal, and always replays its log', async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(wavesArb, async (waves) => {
        const run = `${SEED}-${++runNo}`;
        const filed = await fileCases(run);
        const caseNumbers = filed.map((c) => c.caseNumber);
        const initial = await Promise.all(
          caseNumbers.map((n) => lead.client.cases.get.query({ caseNumber: n })),
        );
        // what the clients believe each case is (stale whenever someone else acted)
        const known: CaseSnapshot[] = initial.map((v) => v.record);
        const outcomes: Outcome[] = [];

        for (const wave of waves) {
          await Promise.all(
            wave.map(async (c) => {
              const believed = known[c.caseIdx]!;
              const allowedFor = (i: number) =>
                listAllowedActions(believed, {
                  userId: userIds[i]!,
                  role: ACTORS[i]!.role,
                  unitCode: ACTORS[i]!.unitCode as never,
                });
              // to move cases along, a command meant to be allowed goes to the next actor who may act
              const actorIdx = c.fromAllowed
                ? (ACTORS.map((_, k) => (c.actorIdx + k) % ACTORS.length).find(
                    (i) => allowedFor(i).length > 0,
                  ) ?? c.actorIdx)
                : c.actorIdx;
              const actor = ACTORS[actorIdx]!;
              const allowed = c.fromAllowed ? allowedFor(actorIdx) : [];
              const choices = allowed.length > 0 ? allowed : CLIENT_ACTIONS;
              const type = choices[c.pick % choices.length]!;
              const carrying = (Object.keys(PROCEDURES) as Procedure[]).filter((p) =>
                PROCEDURES[p].actions.includes(type),
              );
              const natural = carrying.filter((p) => PROCEDURES[p].roles.includes(actor.role));
              const options = c.wrongProcedure || natural.length === 0 ? carrying : natural;
              const procedure = options[c.pick % options.length]!;
              const expectedVersion = Math.max(1, believed.version + c.skew);
              const input = {
                caseNumber: caseNumbers[c.caseIdx]!,
                expectedVersion,
                action: payload(type, c.pick, caseNumbers, caseNumbers[c.caseIdx]!),
              };
              const client = sessions[actorIdx]!.client;
              const call = client.cases.act.mutate(input as never);
              const target = type === 'merge' ? (input.action.targetCaseNumber as string) : undefined;
              const base = {
                caseIdx: c.caseIdx,
                actorIdx,
                type,
                procedure,
                expectedVersion,
                ...(target ? { target } : {}),
              };
              try {
                const view = await call;
                outcomes.push({ ...base, status: 200, version: view.record.version });
                // a success moves the case exactly one version past what the actor expected
                expect(view.record.version, JSON.stringify(base)).toBe(expectedVersion + 1);
                // (the view's event list may already hold later events committed in the same batch)
                expect(view.events.find((e) => e.seq === view.record.version)).toMatchObject({
                  type,
                  actorUserId: userIds[actorIdx],
                });
                if (view.record.version > known[c.caseIdx]!.version) known[c.caseIdx] = view.record;
              } catch (e) {
                const err = await errorOf(Promise.reject(e));
                outcomes.push({ ...base, status: err.httpStatus });
                if (err.httpStatus === 409) {
                  const now = err.domain as { version?: number; state?: CaseSnapshot['state'] } | null;
                  if (now?.version !== undefined) {
                    expect(now.version, JSON.stringify(base)).not.toBe(expectedVersion);
                    if (now.version > known[c.caseIdx]!.version)
                      known[c.caseIdx] = {
                        ...known[c.caseIdx]!,
                        version: now.version,
                        state: now.state ?? known[c.caseIdx]!.state,
                      };
                  }
                }
              }
            }),
          );
        }

        const bad = outcomes.filter((o) => !OK_STATUSES.includes(o.status));
        expect(bad, 'only 200 or a 4xx refusal, never 5xx').toEqual([]);

        for (let i = 0; i < caseNumbers.length; i++) {
          const view = await lead.client.cases.get.query({ caseNumber: caseNumbers[i]! });
          const start = initial[i]!.record.version;
          const wins = outcomes.filter((o) => o.caseIdx === i && o.status === 200);
          // the row is exactly its event log
          expect(replayMismatches(view)).toEqual([]);
          // a successful merge of another case into this one adds exactly one automatic link_duplicate event here
          const mergedIn = outcomes.filter(
            (o) => o.status === 200 && o.type === 'merge' && o.target === caseNumbers[i],
          ).length;
          const links = view.events.filter((e) => e.seq > start && e.type === 'link_duplicate');
          expect(links.length).toBe(mergedIn);
          // versions: one per success or merged-in call, unique, and nothing else moved the case
          const versions = [...wins.map((w) => w.version!), ...links.map((e) => e.seq)].sort((a, b) => a - b);
          expect(versions).toEqual(Array.from({ length: wins.length + mergedIn }, (_, k) => start + k + 1));
          expect(view.record.version).toBe(start + wins.length + mergedIn);
          // each event after the start is the success that produced it: same action, same actor
          for (const w of wins) {
            const e = view.events.find((x) => x.seq === w.version)!;
            expect({ type: e.type, actor: e.actorUserId }).toEqual({
              type: w.type,
              actor: userIds[w.actorIdx],
            });
          }
        }
      }),
      fcOptions(15 * SCALE),
    );
  });
});
