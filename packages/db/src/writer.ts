import type Database from 'better-sqlite3';

interface Job<T> {
  work: () => T;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit. Writes submitted in the same event-loop turn run in ONE transaction (one fsync),
 * each inside its own savepoint so a failing write rolls back alone. Nobody's promise resolves
 * before the shared COMMIT has returned and, when `makeDurable` is given (the database's
 * `WalSync`, see wal-sync.ts), before the WAL holding it was fsynced off the event loop: an
 * acknowledged write is durable. better-sqlite3 is synchronous: `work` must not be async.
 */
export class GroupCommitWriter {
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  /** Batches committed and writes in them, for benchmarks and tests. */
  readonly stats = { batches: 0, writes: 0, maxBatch: 0 };
  /** The release of the last batch committed (batches are released in order). */
  private released: Promise<void> = Promise.resolve();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly maxBatch = 256,
    /** Called after each COMMIT; results are released when it resolves (null: COMMIT is enough). */
    private readonly makeDurable: (() => Promise<void>) | null = null,
  ) {}

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Job<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.sqlite.transaction(() => {
        for (const job of batch) {
          // a nested better-sqlite3 transaction is a SAVEPOINT
          try {
            outcomes.push({ ok: true, value: this.sqlite.transaction(job.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
    const settle = (syncError?: unknown) =>
      batch.forEach((job, i) => {
        const o = outcomes[i]!;
        if (!o.ok) job.reject(o.error);
        // committed but maybe not on the disk: the caller must not be told it is stored
        else if (syncError !== undefined) job.reject(syncError);
        else job.resolve(o.value);
      });
    if (!this.makeDurable) return settle();
    // batches are released in commit order even when a later fsync returns first (the live stream
    // publishes after release and relies on event ids arriving in order)
    const durable = this.makeDurable();
    this.released = this.released.then(() =>
      durable.then(
        () => settle(),
        (e: unknown) => settle(e ?? new Error('fsync failed')),
      ),
    );
  }
}
