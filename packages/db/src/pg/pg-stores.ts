import type { CityStores } from '../city-stores.ts';
import type { CaseStorePort } from '../stores/case-store-port.ts';
import { openPgDatabase, type OpenPgOptions, type PgDatabase } from './client.ts';
import { PgAdminStore, REFERENCE_CHANNEL } from './pg-admin-store.ts';
import { PgBlobStore } from './pg-blob-store.ts';
import { PgCaseReads } from './pg-case-reads.ts';
import { PgCaseSearchStore } from './pg-case-search-store.ts';
import { PgCaseStore } from './pg-case-store.ts';
import { PgCitizenStore } from './pg-citizen-store.ts';
import { PgEventFollower } from './pg-event-follower.ts';
import { PgGazetteerStore } from './pg-gazetteer-store.ts';
import { PgReferenceStore } from './pg-reference-store.ts';
import { standbyReads } from './standby-reads.ts';
import { PgUserStore } from './pg-user-store.ts';

/** Key of the session advisory lock under which a node runs first-start work (seeding). */
export const STARTUP_LOCK = 7_310_003;

/** The whole case store on PostgreSQL: the writes of `PgCaseStore` and the reads of `PgCaseReads`. */
export function pgCaseStore(database: Pick<PgDatabase, 'sql' | 'db'>): CaseStorePort {
  const w = new PgCaseStore(database);
  const r = new PgCaseReads(database);
  return {
    backend: 'postgres',
    addEventHook: (hook) => w.addEventHook(hook),
    createCase: (input) => w.createCase(input),
    applyAction: (input) => w.applyAction(input),
    createCasesBulk: (jobs) => w.createCasesBulk(jobs),
    getByNumber: (n) => w.getByNumber(n),
    listEvents: (id) => w.listEvents(id),
    listEventsAfter: (afterId, limit) => w.listEventsAfter(afterId, limit),
    lastEventId: () => w.lastEventId(),
    getById: (id) => r.getById(id),
    getByIds: (ids) => r.getByIds(ids),
    getByOpen311Token: (token) => r.getByOpen311Token(token),
    listEventsBetween: (f) => r.listEventsBetween(f),
    list: (f) => r.list(f),
    listSummaries: (f) => r.listSummaries(f),
    openSummaries: (ids) => r.openSummaries(ids),
    caseIdsWithEventsBetween: (a, b) => r.caseIdsWithEventsBetween(a, b),
    listMarkersJson: (f, limit) => r.listMarkersJson(f, limit),
    count: (f) => r.count(f),
    countByLocationKind: (f) => r.countByLocationKind(f),
    listInBoxes: (boxes, states, limit) => r.listInBoxes(boxes, states, limit),
    countBy: (column, f) => r.countBy(column, f),
    evaluate: (opts) => r.evaluate(opts),
    evaluateWithTotal: (opts) => r.evaluateWithTotal(opts),
    countDispatched: (opts) => r.countDispatched(opts),
    dailyIntake: (from, to) => r.dailyIntake(from, to),
    countClosedBetween: (from, to) => r.countClosedBetween(from, to),
    addAttachment: (a) => r.addAttachment(a),
    getAttachment: (sha) => r.getAttachment(sha),
    casesReferencingAttachment: (sha) => r.casesReferencingAttachment(sha),
  };
}

/**
 * The stores of a city on an open PostgreSQL pool (any number of nodes may share the database).
 * `historyDatabase`: a pool on a standby, where the evaluation, reports and trend read.
 */
export function pgStores(database: PgDatabase, historyDatabase: PgDatabase | null = null): CityStores {
  const cases = pgCaseStore(database);
  return {
    backend: 'postgres',
    cases,
    history: historyDatabase
      ? standbyReads(new PgCaseReads(historyDatabase), cases, {
          onFallback: (e) => console.warn(`standby read failed, reading the primary: ${String(e)}`),
        })
      : cases,
    users: new PgUserStore(database),
    reference: new PgReferenceStore(database),
    admin: new PgAdminStore(database),
    gazetteer: new PgGazetteerStore(database),
    citizens: new PgCitizenStore(database),
    search: new PgCaseSearchStore(database),
    blobs: new PgBlobStore(database),
    sqlite: null,
    pg: database,
    followEvents: async ({ afterId, onEvents, onError }) => {
      const follower = new PgEventFollower(database.sql, cases, { afterId, onEvents, onError, pollMs: 2000 });
      await follower.start();
      return { stop: () => follower.stop() };
    },
    watchReference: async (onChange) => {
      // the second callback runs on every (re)listen: a change missed while disconnected is picked up
      const meta = await database.sql.listen(REFERENCE_CHANNEL, () => onChange(), onChange);
      return { stop: () => meta.unlisten() };
    },
    exclusive: async (work) => {
      // a session lock on one reserved connection: held until released, whatever the pool does meanwhile
      const conn = await database.sql.reserve();
      try {
        await conn`select pg_advisory_lock(${STARTUP_LOCK})`;
        try {
          return await work();
        } finally {
          await conn`select pg_advisory_unlock(${STARTUP_LOCK})`;
        }
      } finally {
        conn.release();
      }
    },
    close: async () => {
      await Promise.all([database.close(), historyDatabase?.close()]);
    },
  };
}

/**
 * Open (and migrate) PostgreSQL at `url` and give its stores; with `historyUrl` (a standby:
 * `postgres://db2:5432/citygrid`), a small second pool there for the figures over past periods
 * (`CityStores.history`), which read the primary whenever the standby cannot answer.
 */
export async function openPgStores(
  url: string,
  opts: OpenPgOptions & { historyUrl?: string } = {},
): Promise<CityStores> {
  const { historyUrl, ...primary } = opts;
  const database = await openPgDatabase(url, primary);
  const history = historyUrl
    ? await openPgDatabase(historyUrl, {
        migrate: false,
        max: Math.max(2, Math.ceil((opts.max ?? 10) / 2)),
        // a standby that is gone must not hold a report for the driver's default 30 s
        connectTimeoutS: 2,
      })
    : null;
  return pgStores(database, history);
}
