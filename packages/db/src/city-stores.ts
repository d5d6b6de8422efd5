import type { CitygridDatabase } from './client.ts';
import type { PgDatabase } from './pg/client.ts';
import type { AdminStorePort } from './stores/admin-store-port.ts';
import { AdminStore } from './stores/admin-store.ts';
import type { BlobStorePort } from './stores/blob-store-port.ts';
import type { CaseSearchStorePort } from './stores/case-search-store-port.ts';
import type { CaseHistoryReads, CaseStorePort } from './stores/case-store-port.ts';
import { CaseStore } from './stores/case-store.ts';
import { CaseSearchStore } from './stores/case-search-store.ts';
import type { CitizenStorePort } from './stores/citizen-store-port.ts';
import { CitizenStore } from './stores/citizen-store.ts';
import type { StoredCaseEvent } from './stores/case-types.ts';
import { DiskBlobStore } from './stores/disk-blob-store.ts';
import type { GazetteerStorePort } from './stores/gazetteer-store-port.ts';
import { GazetteerStore } from './stores/gazetteer-store.ts';
import type { ReferenceStorePort } from './stores/reference-store-port.ts';
import { ReferenceStore } from './stores/reference-store.ts';
import type { UserStorePort } from './stores/user-store-port.ts';
import { UserStore } from './stores/user-store.ts';

/** Follows the event log of every node from a position, in id order, until `stop`. */
export type FollowEvents = (opts: {
  afterId: number;
  onEvents: (events: StoredCaseEvent[]) => Promise<void>;
  onError: (e: unknown) => void;
}) => Promise<{ stop(): Promise<void> }>;

/**
 * Every store of one city on one backend: what the service layer is composed over. SQLite (the
 * default, one process) and PostgreSQL (any number of nodes) give the same ports.
 */
export interface CityStores {
  readonly backend: 'sqlite' | 'postgres';
  readonly cases: CaseStorePort;
  /**
   * Where the evaluation, the reports and the intake trend read: the case store itself, or on
   * PostgreSQL with `DATABASE_READ_URL` a standby (streaming replication: seconds behind at most).
   */
  readonly history: CaseHistoryReads;
  readonly users: UserStorePort;
  readonly reference: ReferenceStorePort;
  readonly admin: AdminStorePort;
  readonly gazetteer: GazetteerStorePort;
  readonly citizens: CitizenStorePort;
  readonly search: CaseSearchStorePort;
  /** Photo bytes: files beside the SQLite database, or a table every node reads. */
  readonly blobs: BlobStorePort;
  /** The SQLite database (group-commit writer, WAL, backups); null on PostgreSQL. */
  readonly sqlite: CitygridDatabase | null;
  /** The PostgreSQL pool; null on SQLite. */
  readonly pg: PgDatabase | null;
  /**
   * New events of every node, read from the log (PostgreSQL). Null where this process is the only
   * writer (SQLite): its own commits are all there is, published as they commit.
   */
  readonly followEvents: FollowEvents | null;
  /**
   * Calls `onChange` whenever any node commits an administrative change (and once the watch is
   * (re)established), so every node reloads the reference data it holds in memory (PostgreSQL).
   * Null where this process makes every change itself (SQLite): it reloads as it changes.
   */
  readonly watchReference: ((onChange: () => void) => Promise<{ stop(): Promise<void> }>) | null;
  /**
   * Run `work` while no other node runs work under the same lock (first-start seeding when several
   * nodes start on one empty database). One process on SQLite: runs it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Close the database (the SQLite file, or the pool). */
  close(): Promise<void>;
}

/** The stores of a city on an open SQLite database. */
export function sqliteStores(database: CitygridDatabase): CityStores {
  const cases = new CaseStore(database, database.writer);
  return {
    backend: 'sqlite',
    cases,
    history: cases,
    users: new UserStore(database),
    reference: new ReferenceStore(database),
    admin: new AdminStore(database),
    gazetteer: new GazetteerStore(database),
    citizens: new CitizenStore(database, database.writer),
    search: new CaseSearchStore(database),
    blobs: new DiskBlobStore(database.attachmentsDir),
    sqlite: database,
    pg: null,
    followEvents: null,
    watchReference: null,
    exclusive: (work) => work(),
    close: async () => database.close(),
  };
}
