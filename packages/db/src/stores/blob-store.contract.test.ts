import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../pg/client.ts';
import { PgBlobStore } from '../pg/pg-blob-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import type { BlobStorePort } from './blob-store-port.ts';
import { DiskBlobStore } from './disk-blob-store.ts';

/*
 * Attachment bytes on both backends: files (one machine; "second" is another store over the same
 * directory) and a PostgreSQL table ("second" is another pool, as another node holds). What one
 * writes, the other reads back byte for byte.
 */

interface Opened {
  store: BlobStorePort;
  second: BlobStorePort;
  close(): Promise<void>;
}

const pg = pgTestAvailability();
let cluster: TestCluster | null = null;
let dbCounter = 0;

const backends: Array<{ name: 'disk' | 'postgres'; open: () => Promise<Opened> }> = [
  {
    name: 'disk',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-blobs-'));
      return {
        store: new DiskBlobStore(dir),
        second: new DiskBlobStore(dir),
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = cluster!.createDatabase(`blobs_${++dbCounter}`);
      const a = await openPgDatabase(url, { max: 4 });
      const b = await openPgDatabase(url, { max: 4, migrate: false });
      return {
        store: new PgBlobStore(a),
        second: new PgBlobStore(b),
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  },
];

beforeAll(async () => {
  if (pg.available) cluster = await startTestCluster({ bin: pg.bin });
});
afterAll(() => cluster?.stop());

const shaOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(backends.filter((b) => b.name === 'disk' || pg.available))(
  'blob store on $name',
  ({ open }) => {
    let db: Opened;
    beforeEach(async () => {
      db = await open();
    });
    afterEach(async () => {
      await db.close();
    });

    it('gives back exactly the bytes put, from another connection: every byte value, a large photo, one byte', async () => {
      const everyByte = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      const large = randomBytes(3 * 1024 * 1024 + 7);
      // a view into a larger buffer: only the viewed bytes count
      const backing = randomBytes(100);
      const view = backing.subarray(10, 20);
      for (const bytes of [everyByte, large, Uint8Array.of(0), view]) {
        const sha = shaOf(bytes);
        await db.store.put(sha, bytes, 'image/jpeg');
        const got = await db.second.get(sha);
        expect(got).not.toBeNull();
        expect(got!.length).toBe(bytes.length);
        expect(Buffer.compare(got!, Buffer.from(bytes))).toBe(0);
      }
    });

    it('answers null for what was never put, and keeps one copy when the same bytes are put at once from two connections', async () => {
      expect(await db.store.get('0'.repeat(64))).toBeNull();
      const bytes = randomBytes(64 * 1024);
      const sha = shaOf(bytes);
      await Promise.all([
        db.store.put(sha, bytes, 'image/png'),
        db.second.put(sha, bytes, 'image/png'),
        db.store.put(sha, bytes, 'image/png'),
      ]);
      await db.second.put(sha, bytes, 'image/png');
      expect(Buffer.compare((await db.store.get(sha))!, bytes)).toBe(0);
    });
  },
);

describe('the disk blob store', () => {
  it('leaves no temporary file behind after puts of the same bytes at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citygrid-blobs-'));
    try {
      const a = new DiskBlobStore(dir);
      const bytes = randomBytes(1024);
      const sha = shaOf(bytes);
      await Promise.all([a.put(sha, bytes), a.put(sha, bytes), new DiskBlobStore(dir).put(sha, bytes)]);
      expect(readdirSync(join(dir, sha.slice(0, 2)))).toEqual([sha]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
