/**
 * Attachment bytes, content-addressed by their SHA-256 (hex). The metadata (type, size, uploader)
 * is the case store's `attachments` row; this holds only the bytes. `DiskBlobStore` keeps them as
 * files (SQLite deployments, one machine); `PgBlobStore` in a table, so every node serves every photo.
 */
export interface BlobStorePort {
  readonly backend: 'disk' | 'postgres';
  /** Store the bytes under `sha` (the caller's SHA-256 of them). Idempotent: a second put of the same sha changes nothing. */
  put(sha: string, bytes: Uint8Array, mime: string): Promise<void>;
  /** The bytes stored under `sha`, or null. */
  get(sha: string): Promise<Buffer | null>;
}
