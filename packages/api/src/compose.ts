/** The composition root of the API: every store, service and channel, wired once over an open database. */
import {
  sqliteStores,
  type CaseSearchStorePort,
  type CitygridDatabase,
  type CityStores,
  type ReferenceStorePort,
  type UserStorePort,
} from '@citygrid/db';
import { AdminService } from './services/admin-service.ts';
import { ReportService } from './services/report-service.ts';
import { CaseBus } from './live/case-bus.ts';
import { startEventRelay } from './live/event-relay.ts';
import { LiveHub } from './live/live-hub.ts';
import { AttachmentService } from './services/attachment-service.ts';
import { AuthService, OWASP_ARGON2, type Argon2Params } from './services/auth-service.ts';
import { CaseService } from './services/case-service.ts';
import { systemClock, type Clock } from './services/clock.ts';
import { DashboardService } from './services/dashboard-service.ts';
import { ReferenceService } from './services/reference-service.ts';
import { QueueQueries } from './services/queue-queries.ts';
import { GazetteerService } from './services/gazetteer-service.ts';
import { GridImportService } from './services/grid-import-service.ts';
import { createCitizenChannel, type CitizenChannel, type CitizenOptions } from './citizen/index.ts';

export interface Services {
  /** Every store of the city, on SQLite or PostgreSQL. */
  stores: CityStores;
  /** The SQLite database (null on PostgreSQL): backups, WAL figures, raw reads in tests. */
  database: CitygridDatabase | null;
  clock: Clock;
  bus: CaseBus;
  users: UserStorePort;
  /** The staff case search (案件检索) over every case. */
  caseSearch: CaseSearchStorePort;
  referenceStore: ReferenceStorePort;
  reference: ReferenceService;
  auth: AuthService;
  cases: CaseService;
  attachments: AttachmentService;
  dashboard: DashboardService;
  /** The work queues (dispatch, review, a unit's own): queries the routers call. */
  queues: QueueQueries;
  /** Shared-serialisation SSE for dashboards (`GET /api/live`). */
  live: LiveHub;
  /** The citizen channel (网上举报): online reports, tracking, SMS outbox and sender. */
  citizen: CitizenChannel;
  /** Audited administration (users, organisations, routing, limits, calendar, API keys). */
  admin: AdminService;
  /** 日报 / 周报 / 月报 and any period. */
  reports: ReportService;
  /** Grid import as a new grid version (网格导入), audited. */
  gridImport: GridImportService;
  /** The city's own gazetteer (地名地址库): import, intake search, nearest address. */
  gazetteer: GazetteerService;
  /**
   * Stop what runs by itself: end the live streams and stop the SMS sender, waiting for a pass in
   * progress. The database stays open (its owner closes it after this).
   */
  close(): Promise<void>;
}

/**
 * Compose the service layer over a city's stores (`stores`), or over an open SQLite database
 * (`database`, the default deployment and most tests). Where several nodes write (PostgreSQL), the
 * live bus is fed from the event log, this node's commits included.
 */
export async function createServices(
  opts: ({ stores: CityStores; database?: never } | { database: CitygridDatabase; stores?: never }) & {
    clock?: Clock;
    argon2?: Argon2Params;
    citizen?: CitizenOptions;
    /** At most this many markers on the command map (default `OPEN_CASE_MARKER_LIMIT`, 100,000). */
    mapMarkerLimit?: number;
  },
): Promise<Services> {
  const stores = opts.stores ?? sqliteStores(opts.database);
  const clock = opts.clock ?? systemClock;
  const bus = new CaseBus();
  const users = stores.users;
  const referenceStore = stores.reference;
  const reference = new ReferenceService(referenceStore);
  await reference.reload();
  const caseStore = stores.cases;
  const cases = new CaseService(caseStore, reference, bus, clock, stores.followEvents === null);
  const auth = new AuthService(users, clock, opts.argon2 ?? OWASP_ARGON2);
  const adminStore = stores.admin;
  const dashboard = new DashboardService(caseStore, reference, clock, opts.mapMarkerLimit, stores.history);
  const attachments = new AttachmentService(stores.blobs, caseStore, clock);
  const gazetteer = new GazetteerService(stores.gazetteer, adminStore, reference, clock);
  await gazetteer.init();
  const citizen = createCitizenChannel(
    {
      citizens: stores.citizens,
      limiterStore: stores.sqlite
        ? { kind: 'sqlite', sqlite: stores.sqlite.sqlite }
        : { kind: 'postgres', db: stores.pg!.db },
      caseStore,
      cases,
      attachments,
      reference,
      bus,
      clock,
    },
    opts.citizen,
  );
  const live = new LiveHub(bus, cases);
  const relay = stores.followEvents ? await startEventRelay(stores.followEvents, cases, bus) : null;
  // another node's administrative change: reload what this node holds in memory (coalesced)
  let reloading: Promise<void> | null = null;
  let again = false;
  const reloadReference = (): void => {
    if (reloading) {
      again = true;
      return;
    }
    reloading = (async () => {
      do {
        again = false;
        await reference.reload();
        await gazetteer.reload();
      } while (again);
    })()
      .catch((e: unknown) => console.error('reference reload failed:', e))
      .finally(() => (reloading = null));
  };
  const watch = stores.watchReference ? await stores.watchReference(reloadReference) : null;
  return {
    stores,
    database: stores.sqlite,
    clock,
    bus,
    users,
    caseSearch: stores.search,
    referenceStore,
    reference,
    auth,
    cases,
    attachments,
    dashboard,
    queues: new QueueQueries(caseStore, cases, reference),
    live,
    citizen,
    admin: new AdminService(adminStore, users, reference, auth, clock),
    reports: new ReportService(dashboard, adminStore, reference, clock),
    gridImport: new GridImportService(adminStore, referenceStore, reference, clock),
    gazetteer,
    close: async () => {
      await relay?.stop();
      await watch?.stop();
      await reloading;
      live.close();
      await citizen.sender.stop();
    },
  };
}
