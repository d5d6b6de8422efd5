import { close, fsync, openSync } from 'node:fs';

/**
 * The fsync that makes a commit durable, off the event loop. With `synchronous = NORMAL` in WAL mode
 * SQLite writes a commit's frames to the WAL file without fsyncing it; `sync()` then fsyncs that
 * file on libuv's thread pool (`fs.fsync`), and the group-commit writer acknowledges a batch only
 * once it resolved. What a client was told is stored is then on the disk, as with
 * `synchronous = FULL`, but the server's only thread never waits for the disk: the commit of the
 * next batch, and every read, goes on while the previous batch's fsync runs. An fsync covers every
 * frame written before it, so overlapping syncs of consecutive batches are all correct.
 *
 * `fsync`, not `fdatasync` (which SQLite itself uses for its WAL and which skips the inode's times):
 * tried on 2026-12-03 and put back. Slow syncs during `pnpm bench intake`'s paced runs were no fewer
 * within this disk's variance (fsync 4, 11, 0, 8, 0, 0 per run; fdatasync 0, 1, 3, 1, 1), and three
 * soaks with it had 51, 6 and 54 syncs over 25 ms and worst windows of 118, 75 and 66 ms, against 11
 * and 46 / 28 ms (11 and 4 slow syncs) for two soaks with `fsync` in the same hour.
 *
 * The WAL file keeps its inode while the database is open (checkpoints reset or truncate it in
 * place; SQLite deletes it only when the last connection closes), so one descriptor serves.
 */
export class WalSync {
  private fd: number | null = null;
  private inflight = 0;
  private closed = false;
  /**
   * fsyncs completed and how long they took (a request's acknowledgement waits for its batch's
   * fsync, so a slow disk shows here first): for `/health`, tests and benchmarks.
   */
  readonly stats = { syncs: 0, over25ms: 0, over100ms: 0, slowestMs: 0 };

  constructor(private readonly walPath: string) {}

  /** Resolves once everything written to the WAL before the call is on the disk. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    if (this.fd === null) {
      try {
        this.fd = openSync(this.walPath, 'r+');
      } catch (e) {
        // no WAL file: nothing was ever written through this connection's WAL
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
        return Promise.reject(e as Error);
      }
    }
    const fd = this.fd;
    this.inflight++;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      fsync(fd, (err) => {
        this.inflight--;
        this.count(performance.now() - started);
        if (this.closed && this.inflight === 0) this.release();
        if (err) reject(err);
        else resolve();
      });
    });
  }

  private count(ms: number): void {
    const s = this.stats;
    s.syncs++;
    if (ms > 25) s.over25ms++;
    if (ms > 100) s.over100ms++;
    if (ms > s.slowestMs) s.slowestMs = ms;
  }

  /** Close the descriptor (after the syncs in flight). */
  close(): void {
    this.closed = true;
    if (this.inflight === 0) this.release();
  }

  private release(): void {
    if (this.fd === null) return;
    close(this.fd, () => undefined);
    this.fd = null;
  }
}
