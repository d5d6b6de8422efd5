import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that pushes
 * the WAL past 1,000 pages: that commit copies the WAL into the database file and fsyncs it, on the
 * server's only thread, and every request waiting behind it sees the pause (the soak's spikes). With
 * `wal_autocheckpoint = 0` on the main connection, a worker thread with its own connection runs a
 * PASSIVE checkpoint (never blocks the writer, never waits for readers) every `intervalMs`. Durability
 * is unchanged: a commit is durable once its WAL frames are fsynced (wal-sync.ts, or FULL); the
 * checkpoint only moves them into the main file. If the worker dies, autocheckpoint comes back.
 *
 * Under sustained intake one PASSIVE checkpoint is never enough: commits land while it copies and
 * fsyncs, so the WAL is never wholly copied when the next writer begins, SQLite never restarts it,
 * and it grows without bound (820 MiB after 5,400 cases at 200 cases/s). So each tick repeats the
 * checkpoint while new frames arrived during the previous round (at most `MAX_ROUNDS`): each round
 * copies only what came during the last one, and once one ends with the WAL wholly copied, the next
 * commit starts the WAL from its beginning. Nothing ever blocks the writer; `journal_size_limit`
 * (client.ts) then trims the file. `stats.walFrames` is the WAL's length at the last checkpoint.
 */
export interface Checkpointer {
  /** Checkpoints run, failures, and the WAL's length in frames at the last one (tests, benchmarks). */
  readonly stats: { runs: number; failures: number; walFrames: number };
  stop(): Promise<void>;
  /**
   * Stop and wait (blocking, at most `timeoutMs`) until the worker's connection is closed, so that
   * nothing touches the database files after the caller's `close()` returns (a test removing its
   * folder, a backup copying the file).
   */
  stopSync(timeoutMs?: number): void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// flags[0]: 1 once the owner asked to stop; flags[1]: 1 once this thread holds no connection
const flags = new Int32Array(workerData.flags);
const done = () => { Atomics.store(flags, 1, 1); Atomics.notify(flags, 1); };
if (Atomics.load(flags, 0) === 1) {
  done();
  parentPort.close();
  return;
}
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try {
    // repeat while frames arrived during the last round, so that one round ends with all copied
    let r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    for (let round = 1, prev = -1; r.log !== prev && round < workerData.maxRounds; round++) {
      prev = r.log;
      r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    done();
    parentPort.close();
  }
});
`;

/** Checkpoint rounds per tick at most (a round under load lasts about one fsync of the main file). */
const MAX_ROUNDS = 8;

export function startBackgroundCheckpoints(
  sqlite: { pragma(s: string): unknown },
  file: string,
  opts: { intervalMs?: number; synchronous?: 'FULL' | 'NORMAL'; onError?: (e: unknown) => void } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  sqlite.pragma('wal_autocheckpoint = 0');
  const stats = { runs: 0, failures: 0, walFrames: 0 };
  const flagsBuffer = new SharedArrayBuffer(8);
  const flags = new Int32Array(flagsBuffer);
  const worker = new Worker(`(() => {${WORKER_SOURCE}})()`, {
    eval: true,
    workerData: {
      driver,
      file,
      flags: flagsBuffer,
      intervalMs: opts.intervalMs ?? 1000,
      synchronous: opts.synchronous ?? 'FULL',
      maxRounds: MAX_ROUNDS,
    },
  });
  worker.unref();
  let stopped = false;
  worker.on('message', (m: { ok: boolean; error?: string; log?: number }) => {
    if (m.ok) {
      stats.runs++;
      stats.walFrames = m.log ?? 0;
    } else {
      stats.failures++;
      opts.onError?.(new Error(`background checkpoint failed: ${m.error}`));
    }
  });
  const fallBack = (e: unknown) => {
    if (stopped) return;
    stopped = true;
    // without the worker, the WAL would grow without bound: let the commits checkpoint again
    sqlite.pragma('wal_autocheckpoint = 1000');
    opts.onError?.(e);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    if (!stopped) fallBack(new Error(`checkpoint worker exited (${code})`));
  });
  const askToStop = () => {
    Atomics.store(flags, 0, 1);
    worker.postMessage('stop');
  };
  return {
    stats,
    stopSync: (timeoutMs = 2000) => {
      if (stopped) return;
      stopped = true;
      askToStop();
      Atomics.wait(flags, 1, 0, timeoutMs);
      void worker.terminate();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      askToStop();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}
