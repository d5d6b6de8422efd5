import { createHash } from 'node:crypto';
import { DomainError } from '@citygrid/domain';
import type { BlobStorePort, CaseStorePort } from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import type { Clock } from './clock.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Recognise an image by its magic bytes; the declared content type is not trusted. */
export function sniffImageType(
  b: Uint8Array,
): 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  )
    return 'image/png';
  if (
    b.length >= 12 &&
    String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'
  )
    return 'image/webp';
  if (
    b.length >= 6 &&
    (String.fromCharCode(...b.subarray(0, 6)) === 'GIF87a' ||
      String.fromCharCode(...b.subarray(0, 6)) === 'GIF89a')
  )
    return 'image/gif';
  return null;
}

/**
 * Photos for disposal feedback: checked, content-addressed, served only to those who may see the
 * case. The bytes go to the blob store (files on one machine, a table on PostgreSQL), the metadata
 * to the case store.
 */
export class AttachmentService {
  constructor(
    private readonly blobs: BlobStorePort,
    private readonly store: CaseStorePort,
    private readonly clock: Clock,
  ) {}

  private readonly referenceSources: Array<(sha: string) => Promise<string[]>> = [];

  /** Another place that attaches photos to cases (the citizen channel's reports): case numbers by photo. */
  addReferenceSource(source: (sha: string) => Promise<string[]>): void {
    this.referenceSources.push(source);
  }

  /** The bytes of an attachment whose metadata exists; missing bytes are a storage fault, not a 404. */
  private async bytesOf(sha: string): Promise<Buffer> {
    const bytes = await this.blobs.get(sha);
    if (!bytes)
      throw new Error(`attachment ${sha} has metadata but no bytes in the ${this.blobs.backend} blob store`);
    return bytes;
  }

  async save(bytes: Uint8Array, user: SessionUser): Promise<{ sha256: string; mime: string; size: number }> {
    if (bytes.length === 0)
      throw new DomainError('BAD_INPUT', 'the file is empty', { field: 'file', reason: 'empty' });
    if (bytes.length > MAX_ATTACHMENT_BYTES)
      throw new DomainError(
        'BAD_INPUT',
        `the file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`,
        { field: 'file', reason: 'too_large', maximum: MAX_ATTACHMENT_BYTES / 1024 / 1024 },
      );
    const mime = sniffImageType(bytes);
    if (!mime)
      throw new DomainError('BAD_INPUT', 'only JPEG, PNG, WebP or GIF images are accepted', {
        field: 'file',
        reason: 'not_image',
      });
    return this.storeBytes(bytes, mime, user.id);
  }

  /** Write checked bytes content-addressed (also used for citizens' photos, uploadedBy null). */
  async storeBytes(
    bytes: Uint8Array,
    mime: string,
    uploadedBy: number | null,
  ): Promise<{ sha256: string; mime: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // bytes first: metadata never points at bytes that are not stored
    await this.blobs.put(sha256, bytes, mime);
    await this.store.addAttachment({
      sha256,
      mime,
      size: bytes.length,
      uploadedBy,
      createdAt: this.clock.now().toISOString(),
    });
    return { sha256, mime, size: bytes.length };
  }

  /** The stored facts of an attachment (type, size, who uploaded it), or null. */
  meta(sha: string) {
    return this.store.getAttachment(sha);
  }

  /** Every referenced attachment must exist (reported with a disposal). */
  async assertExist(shas: readonly string[]): Promise<void> {
    for (const [i, sha] of shas.entries()) {
      if (!(await this.store.getAttachment(sha)))
        throw new DomainError('BAD_INPUT', `no uploaded attachment ${sha}`, {
          field: `action.attachments.${i}`,
        });
    }
  }

  async read(sha: string, user: SessionUser): Promise<{ bytes: Buffer; mime: string }> {
    const meta = /^[0-9a-f]{64}$/.test(sha) ? await this.store.getAttachment(sha) : null;
    if (!meta) throw new DomainError('NOT_FOUND', 'no such attachment', { field: 'sha256' });
    if (user.role === 'unit_staff' && meta.uploadedBy !== user.id) {
      const numbers = [
        ...(await this.store.casesReferencingAttachment(sha)),
        ...(await Promise.all(this.referenceSources.map((f) => f(sha)))).flat(),
      ];
      const visible = await Promise.all(
        numbers.map(async (n) => (await this.store.getByNumber(n))?.unitCode === user.unitCode),
      );
      if (!visible.some(Boolean))
        throw new DomainError('FORBIDDEN', 'this attachment belongs to a case you cannot see', {
          field: 'sha256',
        });
    }
    return { bytes: await this.bytesOf(sha), mime: meta.mime };
  }

  /** Bytes of an attachment whose visibility the caller has already decided (the public tracking page). */
  async readUnchecked(sha: string): Promise<{ bytes: Buffer; mime: string } | null> {
    const meta = /^[0-9a-f]{64}$/.test(sha) ? await this.store.getAttachment(sha) : null;
    return meta ? { bytes: await this.bytesOf(sha), mime: meta.mime } : null;
  }
}
