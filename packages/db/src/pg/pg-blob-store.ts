import type { BlobStorePort } from '../stores/blob-store-port.ts';
import type { PgDatabase, PgSql } from './client.ts';

/** Attachment bytes in `attachment_blobs` (bytea): any node serves any photo. */
export class PgBlobStore implements BlobStorePort {
  readonly backend = 'postgres' as const;
  private readonly sql: PgSql;

  constructor(database: Pick<PgDatabase, 'sql'>) {
    this.sql = database.sql;
  }

  async put(sha: string, bytes: Uint8Array, mime: string): Promise<void> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.sql`
      insert into attachment_blobs (sha256, mime, bytes, created_at)
      values (${sha}, ${mime}, ${buf}, ${new Date().toISOString()})
      on conflict (sha256) do nothing`;
  }

  async get(sha: string): Promise<Buffer | null> {
    const [row] = await this.sql`select bytes from attachment_blobs where sha256 = ${sha}`;
    return row ? (row.bytes as Buffer) : null;
  }
}
