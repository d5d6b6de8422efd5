import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultCalendarData,
  DomainError,
  loadReferenceCategories,
  loadReferenceOrganisations,
  loadReferenceRoutingRules,
  loadShippedGrid,
  type Actor,
  type AddressEntry,
  type CaseAction,
  type ReferenceGrid,
  type UnitCode,
} from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import { openPgDatabase } from '../pg/client.ts';
import { PgAdminStore } from '../pg/pg-admin-store.ts';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { PgGazetteerStore } from '../pg/pg-gazetteer-store.ts';
import { PgReferenceStore } from '../pg/pg-reference-store.ts';
import type { TestCluster } from '../pg/test-cluster.ts';
import type { AuditDraft } from './admin-change.ts';
import { AdminStore } from './admin-store.ts';
import type { AdminStorePort } from './admin-store-port.ts';
import type { CaseCoreStore } from './case-core.ts';
import { bareCaseFields } from './case-fields.ts';
import type { NewCaseFields } from './case-types.ts';
import { GazetteerStore } from './gazetteer-store.ts';
import type { GazetteerStorePort } from './gazetteer-store-port.ts';
import type { ReferenceSeed, ReferenceStorePort } from './reference-store-port.ts';
import { ReferenceStore } from './reference-store.ts';
import { SqliteCaseCore } from './sqlite-case-core.ts';

/* The backends and the data of admin-stores.contract.test.ts. */

export interface Opened {
  admin: AdminStorePort;
  reference: ReferenceStorePort;
  gazetteer: GazetteerStorePort;
  cases: CaseCoreStore;
  /** Raw SQL, for what no store of this contract writes or reads (sessions, row counts). */
  query(statement: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

let dbCounter = 0;

/** Both backends; PostgreSQL opens a fresh database on the cluster `cluster()` returns. */
export function adminBackends(
  cluster: () => TestCluster | null,
): Array<{ name: 'sqlite' | 'postgres'; open: () => Promise<Opened> }> {
  return [
    {
      name: 'sqlite',
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'citygrid-admin-'));
        const d = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
        return {
          admin: new AdminStore(d),
          reference: new ReferenceStore(d),
          gazetteer: new GazetteerStore(d),
          cases: new SqliteCaseCore(d),
          query: async (s) => {
            const statement = d.sqlite.prepare(s);
            return statement.reader
              ? (statement.all() as Array<Record<string, unknown>>)
              : (statement.run(), []);
          },
          close: async () => {
            d.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      open: async () => {
        const d = await openPgDatabase(cluster()!.createDatabase(`admin_${++dbCounter}`), { max: 4 });
        return {
          admin: new PgAdminStore(d),
          reference: new PgReferenceStore(d),
          gazetteer: new PgGazetteerStore(d),
          cases: new PgCaseStore(d),
          query: async (s) => [...(await d.sql.unsafe(s))] as Array<Record<string, unknown>>,
          close: () => d.close(),
        };
      },
    },
  ];
}

export const SEEDED_AT = '2026-11-20T00:00:00.000Z';
export function shippedSeed(): ReferenceSeed {
  const orgs = loadReferenceOrganisations();
  const cats = loadReferenceCategories();
  return {
    grid: loadShippedGrid(),
    departments: orgs.departments,
    units: orgs.units,
    hotlineCategories: cats.hotlineCategories,
    minorClasses: cats.minorClasses,
    routingRules: loadReferenceRoutingRules(),
    calendar: defaultCalendarData,
  };
}

export const draft = (action: string, target: string, extra: Partial<AuditDraft> = {}): AuditDraft => ({
  at: '2026-11-24T02:00:00.000Z',
  actorUserId: 1,
  actorName: '系统管理员 (admin)',
  action,
  target,
  before: null,
  ...extra,
});

export const newUser = (username: string) => ({
  username,
  displayName: `用户 ${username}`,
  role: 'operator' as const,
  unitCode: null,
  passwordHash: 'argon2id$not-a-real-hash',
  active: true,
  createdAt: '2026-11-24T02:00:00.000Z',
});

/** The shipped grid as a new version: same cells, another name and start day. */
export const nextGrid = (version: string): ReferenceGrid => ({
  ...loadShippedGrid(),
  version,
  generated: false,
  note: 'surveyed',
  validFrom: '2026-12-01',
});

export const entries: AddressEntry[] = [
  { kind: 'compound', name: '新苑小区', address: '锡林浩特市新苑小区', lng: 116.0814, lat: 43.9406 },
  {
    kind: 'building',
    name: '新苑小区 3号楼',
    address: '锡林浩特市新苑小区 3号楼',
    lng: 116.0815,
    lat: 43.9407,
  },
  { kind: 'door', name: '幸福路12号', address: '锡林浩特市幸福路12号', lng: 116.0701, lat: 43.9331 },
];

export const codeOf = (e: unknown) =>
  e instanceof DomainError ? `${e.code}:${String(e.details?.field)}` : String(e);
export const auditCount = async (db: Opened) =>
  Number((await db.query('select count(*) as n from admin_audit'))[0]!.n);
/* ---------- cases for the report reads ---------- */

export const CELL_A = '15250200100101';
export const CELL_B = '15250200100102';
const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const supervisor: Actor = { userId: 2, role: 'supervisor', unitCode: null };
const lead: Actor = { userId: 3, role: 'shift_lead', unitCode: null };

async function file(store: CaseCoreStore, reportedAt: string, over: Partial<NewCaseFields>) {
  const { record } = await store.createCase({
    fields: bareCaseFields('报表', reportedAt, { communityCode: '152502001001', ...over }),
    events: [
      { actor: operator, actorName: '受理员', at: reportedAt, action: { type: 'report' } },
      { actor: operator, actorName: '受理员', at: reportedAt, action: { type: 'file' } },
    ],
  });
  return record.caseNumber;
}

async function act(store: CaseCoreStore, caseNumber: string, actor: Actor, at: string, action: CaseAction) {
  await store.applyAction({ caseNumber, event: { actor, actorName: actor.role, at }, action });
}

/**
 * In 2026-11-23: cell A three cases (one C0101), a voided one and one without a cell; 11-22: cell A
 * one; 11-21: cell B one, and one without a cell. On 11-24 two of the 11-23 cases, overdue, are
 * urged and escalated.
 */
export async function fileReportCases(store: CaseCoreStore): Promise<void> {
  const d23 = (h: number) => `2026-11-23T0${h}:00:00.000Z`;
  const a1 = await file(store, d23(1), { cellCode: CELL_A });
  const a2 = await file(store, d23(2), {
    cellCode: CELL_A,
    minorClassCode: 'C0101',
  } as Partial<NewCaseFields>);
  await file(store, d23(3), { cellCode: CELL_A });
  const voided = await file(store, d23(4), { cellCode: CELL_A });
  await act(store, voided, lead, d23(5), { type: 'void', reason: '重复' });
  await file(store, d23(6), {});
  await file(store, '2026-11-22T05:00:00.000Z', { cellCode: CELL_A });
  await file(store, '2026-11-21T05:00:00.000Z', { cellCode: CELL_B });
  await file(store, '2026-11-21T06:00:00.000Z', {});
  const due = '2026-11-23T12:00:00.000Z';
  await act(store, a1, { userId: null, role: 'system', unitCode: null }, d23(7), {
    type: 'dispatch',
    unitCode: 'U01' as UnitCode,
    dueAt: due,
  });
  await act(store, a2, { userId: null, role: 'system', unitCode: null }, d23(7), {
    type: 'dispatch',
    unitCode: 'U02' as UnitCode,
    dueAt: due,
  });
  await act(store, a1, supervisor, '2026-11-24T01:00:00.000Z', { type: 'urge', reason: '已超期' });
  await act(store, a1, supervisor, '2026-11-24T02:00:00.000Z', { type: 'urge', reason: '再催' });
  await act(store, a1, supervisor, '2026-11-24T03:00:00.000Z', { type: 'escalate', reason: '督办' });
  await act(store, a2, supervisor, '2026-11-24T04:00:00.000Z', { type: 'urge', reason: '已超期' });
}
