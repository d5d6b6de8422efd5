import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Long read-only scans off the event loop, on their own connections. The reports' figures are
 * grouped scans of a month's cases (the evaluation alone reads 41,000 index entries at 1,000,000
 * cases): on the server's one thread each such scan is 10-40 ms in which no call is answered, and
 * the scans of one report run one after another. A pool of worker threads, each with a read-only
 * connection to the same WAL database, runs them beside the event loop and beside each other (a
 * WAL reader sees the last committed state and never blocks the writer or another reader).
 *
 * Workers start at the first query (most processes never build a report) and are closed with the
 * database. Each keeps its prepared statements by SQL text. A query answers rows as arrays in the
 * order of the statement's columns (`raw`), as drizzle maps them; an error is the SQLite error's
 * message, raised in the caller.
 */
export interface ReadPool {
  /** Rows of a read-only statement, as arrays of column values. */
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  /** Queries answered and the threads started (tests, benchmarks). */
  readonly stats: { queries: number; started: number };
  /** Stop every worker and wait (blocking, at most `timeoutMs`) until their connections are closed. */
  closeSync(timeoutMs?: number): void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = ' + workerData.cacheSize);
const statements = new Map();
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    Atomics.store(flags, workerData.index, 1);
    Atomics.notify(flags, workerData.index);
    parentPort.close();
    return;
  }
  try {
    let st = statements.get(m.sql);
    if (!st) {
      st = db.prepare(m.sql);
      if (!st.reader) throw new Error('not a read-only statement');
      st.raw(true);
      if (statements.size > 200) statements.clear();
      statements.set(m.sql, st);
    }
    parentPort.postMessage({ id: m.id, rows: st.all(...m.params) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

interface Pending {
  resolve: (rows: unknown[][]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
  dead: boolean;
}

/** A pool of `size` reader threads on `file` (a WAL database another connection writes). */
export function createReadPool(file: string, opts: { size?: number; cacheKiB?: number } = {}): ReadPool {
  const size = Math.max(1, opts.size ?? 2);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const flagsBuffer = new SharedArrayBuffer(4 * size);
  const flags = new Int32Array(flagsBuffer);
  const slots: Array<Slot | null> = Array.from({ length: size }, () => null);
  const pending = new Map<number, Pending & { slot: Slot }>();
  const stats = { queries: 0, started: 0 };
  let nextId = 1;
  let closed = false;

  const start = (index: number): Slot => {
    Atomics.store(flags, index, 0);
    const worker = new Worker(`(() => {${WORKER_SOURCE}})()`, {
      eval: true,
      workerData: { driver, file, flags: flagsBuffer, index, cacheSize: -(opts.cacheKiB ?? 16384) },
    });
    worker.unref();
    const slot: Slot = { worker, busy: 0, dead: false };
    stats.started++;
    worker.on('message', (m: { id: number; rows?: unknown[][]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      // a worker with nothing asked of it does not keep the process alive
      if (--slot.busy === 0) worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else {
        stats.queries++;
        p.resolve(m.rows ?? []);
      }
    });
    const fail = (e: Error) => {
      slot.dead = true;
      if (slots[index] === slot) slots[index] = null;
      for (const [id, p] of pending)
        if (p.slot === slot) {
          pending.delete(id);
          p.reject(e);
        }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`read worker exited (${code})`)));
    slots[index] = slot;
    return slot;
  };

  /** The least busy live worker, starting one where a slot is empty. */
  const pick = (): Slot => {
    let best: Slot | null = null;
    for (let i = 0; i < size; i++) {
      const s = slots[i] ?? start(i);
      if (!best || s.busy < best.busy) best = s;
      if (s.busy === 0) break;
    }
    return best!;
  };

  return {
    stats,
    rows(sql, params) {
      if (closed) return Promise.reject(new Error('the read pool is closed'));
      const slot = pick();
      const id = nextId++;
      if (slot.busy++ === 0) slot.worker.ref();
      return new Promise<unknown[][]>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, sql, params });
      });
    },
    closeSync(timeoutMs = 2000) {
      if (closed) return;
      closed = true;
      const deadline = Date.now() + timeoutMs;
      const live = slots.map((s, i) => [s, i] as const).filter(([s]) => s && !s.dead);
      for (const [s] of live) s!.worker.postMessage('stop');
      for (const [s, i] of live) {
        Atomics.wait(flags, i, 0, Math.max(0, deadline - Date.now()));
        void s!.worker.terminate();
      }
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new Error('the read pool is closed'));
      }
    },
  };
}
