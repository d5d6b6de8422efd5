import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStorePort } from './blob-store-port.ts';

/**
 * Attachment bytes as files under `dir/<first two hex digits>/<sha>`. A put writes a temporary
 * file (flushed) and renames it into place, so a reader never sees a half-written file and two
 * writers of the same bytes leave one whole file.
 */
export class DiskBlobStore implements BlobStorePort {
  readonly backend = 'disk' as const;
  constructor(private readonly dir: string) {}

  private pathOf(sha: string): string {
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async put(sha: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(sha);
    await mkdir(join(this.dir, sha.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes, { flush: true });
    await rename(tmp, path);
  }

  async get(sha: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(sha)) return null;
    try {
      return await readFile(this.pathOf(sha));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
}
