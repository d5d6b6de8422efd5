import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type postgres from 'postgres';
import type { PgSql } from './client.ts';

/**
 * Photo bytes in `db:copy`: a SQLite city keeps them as files (`DiskBlobStore` under the database's
 * `attachments` directory), PostgreSQL in `attachment_blobs`. Each `attachments` row's file is read
 * and inserted with its type; a row whose file is missing in the source (which SQLite could not
 * serve either) is counted, not invented.
 */
export async function copyAttachmentFiles(
  sqlite: Database.Database,
  tx: PgSql | postgres.TransactionSql,
  dir: string,
): Promise<{ copied: number; missingInSource: string[] }> {
  const rows = sqlite
    .prepare('select sha256, mime, created_at from attachments order by rowid')
    .all() as Array<{
    sha256: string;
    mime: string;
    created_at: string;
  }>;
  let copied = 0;
  const missingInSource: string[] = [];
  for (const r of rows) {
    const bytes = readIfPresent(blobPath(dir, r.sha256));
    if (!bytes) {
      missingInSource.push(r.sha256);
      continue;
    }
    await tx`insert into attachment_blobs (sha256, mime, bytes, created_at)
      values (${r.sha256}, ${r.mime}, ${bytes}, ${r.created_at}) on conflict (sha256) do nothing`;
    copied++;
  }
  return { copied, missingInSource };
}

/** Problems: an attachment whose source file exists but whose bytes PostgreSQL lacks or holds at another length. */
export async function verifyAttachmentBlobs(
  sqlite: Database.Database,
  sql: PgSql,
  dir: string,
): Promise<string[]> {
  const shas = (
    sqlite.prepare('select sha256 from attachments order by rowid').all() as Array<{ sha256: string }>
  ).map((r) => r.sha256);
  const target = new Map<string, number>();
  for (const r of await sql`select sha256, octet_length(bytes) as n from attachment_blobs`)
    target.set(r.sha256 as string, Number(r.n));
  const problems: string[] = [];
  for (const sha of shas) {
    const bytes = readIfPresent(blobPath(dir, sha));
    if (!bytes) continue;
    const n = target.get(sha);
    if (n === undefined) problems.push(`attachment ${sha}: its bytes are not in PostgreSQL`);
    else if (n !== bytes.length)
      problems.push(`attachment ${sha}: ${bytes.length} bytes in the file but ${n} in PostgreSQL`);
  }
  return problems;
}

/** Where `DiskBlobStore` keeps a sha's file. */
const blobPath = (dir: string, sha: string) => join(dir, sha.slice(0, 2), sha);

function readIfPresent(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
