import { DomainError, type CaseState } from '@citygrid/domain';
import type { CaseRecord, CitizenReportRow, CitizenStorePort, StoredCaseEvent } from '@citygrid/db';
import { sniffImageType, type AttachmentService } from '../services/attachment-service.ts';
import type { CaseService } from '../services/case-service.ts';
import type { Clock } from '../services/clock.ts';
import type { ReferenceService } from '../services/reference-service.ts';
import type { CitizenLang, NotificationSender } from './notifications.ts';
import { stripImageMetadata } from './photo-metadata.ts';
import type { CitizenLimits } from './rate-limits.ts';
import { generateTrackingCode, normalizeTrackingCode } from './tracking-code.ts';

/** Photos arrive shrunk by the phone (a canvas re-encode, ~200–400 KB); anything above this is refused. */
export const MAX_CITIZEN_PHOTO_BYTES = 3 * 1024 * 1024;
export const MAX_CITIZEN_PHOTOS = 3;

export interface CitizenReportInput {
  idempotencyKey: string;
  lang: CitizenLang;
  minorClassCode: string;
  description: string;
  location: { lat: number; lng: number; coordSystem: 'wgs84' | 'gcj02' | 'bd09' };
  phone: string | null;
  publicOk: boolean;
  photos: string[];
}

export interface CitizenReportResult {
  trackingCode: string;
  replayed: boolean;
  outsideGrid: boolean;
}

/** One public step of a report; never a staff name, never personal data. */
export interface PublicStep {
  type:
    | 'received'
    | 'verified'
    | 'filed'
    | 'dispatched'
    | 'accepted'
    | 'disposed'
    | 'closed'
    | 'rework'
    | 'rejected'
    | 'merged'
    | 'rated';
  at: string;
  unit?: { code: string; name: string; nameEn: string; department: string; departmentEn: string } | null;
  reason?: string | null;
  photos?: string[];
  satisfaction?: number | null;
}

export interface PublicTimeline {
  trackingCode: string;
  lang: string;
  status: 'received' | 'in_progress' | 'closed' | 'rejected';
  hotlineCategory: string;
  minorClassCode: string;
  reportedAt: string;
  photos: string[];
  steps: PublicStep[];
  canRate: boolean;
  satisfaction: number | null;
}

/** How a citizen's own actions are signed in the case history (role `public`). */
const PUBLIC_NAME = '市民';

function publicStatus(state: CaseState): PublicTimeline['status'] {
  if (state === 'reported') return 'received';
  if (state === 'voided') return 'rejected';
  if (state === 'closed' || state === 'callback_done') return 'closed';
  return 'in_progress';
}

/**
 * The citizen channel (网上举报): reports from phones enter the standard loop at verify (state
 * `reported`, source `online`) through the same CaseService intake as the hotline (same GCJ-02/BD-09
 * conversion, grid placement and routing suggestion); the public sees only its tracking timeline.
 */
export class CitizenService {
  constructor(
    private readonly deps: {
      cases: CaseService;
      citizens: CitizenStorePort;
      attachments: AttachmentService;
      reference: ReferenceService;
      clock: Clock;
      limits: CitizenLimits;
      sender: NotificationSender | null;
    },
  ) {}

  /** Check a photo by its bytes, strip its metadata (EXIF GPS) and store it. */
  async savePhoto(bytes: Uint8Array, ip: string): Promise<{ sha256: string; size: number }> {
    await this.deps.limits.photo(ip);
    if (bytes.length === 0)
      throw new DomainError('BAD_INPUT', 'the photo is empty', { field: 'photo', reason: 'photo_type' });
    if (bytes.length > MAX_CITIZEN_PHOTO_BYTES)
      throw new DomainError(
        'BAD_INPUT',
        `a photo may be at most ${MAX_CITIZEN_PHOTO_BYTES / 1024 / 1024} MiB`,
        { field: 'photo', reason: 'photo_too_large' },
      );
    const mime = sniffImageType(bytes);
    if (mime !== 'image/jpeg' && mime !== 'image/png' && mime !== 'image/webp') {
      throw new DomainError('BAD_INPUT', 'only JPEG, PNG or WebP photos are accepted', {
        field: 'photo',
        reason: 'photo_type',
      });
    }
    let clean: Uint8Array;
    try {
      clean = stripImageMetadata(bytes, mime);
    } catch {
      throw new DomainError('BAD_INPUT', 'the photo file is damaged', {
        field: 'photo',
        reason: 'photo_type',
      });
    }
    const saved = await this.deps.attachments.storeBytes(clean, mime, null);
    return { sha256: saved.sha256, size: saved.size };
  }

  async submit(input: CitizenReportInput, ip: string): Promise<CitizenReportResult> {
    const { cases, citizens, clock, attachments } = this.deps;
    const idemKey = `citizen:${input.idempotencyKey}`;
    // a retried submission (the phone was offline, the answer was lost) is not a new report: no limit
    const seen = await citizens.caseIdOfIdempotencyKey(idemKey);
    if (seen === null) await this.deps.limits.report(ip, input.phone);
    if (input.photos.length > MAX_CITIZEN_PHOTOS)
      throw new DomainError('BAD_INPUT', `at most ${MAX_CITIZEN_PHOTOS} photos`, {
        field: 'photos',
        reason: 'too_many_photos',
      });
    for (const [i, sha] of input.photos.entries()) {
      const meta = await attachments.meta(sha);
      if (!meta || meta.uploadedBy !== null)
        throw new DomainError('BAD_INPUT', `photo ${i + 1} was not uploaded`, {
          field: `photos.${i}`,
          reason: 'photo_missing',
        });
    }
    const trackingCode = generateTrackingCode();
    const result = await cases.intake(
      {
        nature: 'report',
        minorClassCode: input.minorClassCode,
        description: input.description,
        urgency: 'normal',
        location: { lat: input.location.lat, lng: input.location.lng, crs: input.location.coordSystem },
        callerPhone: input.phone,
        idempotencyKey: idemKey,
        source: 'online',
      },
      null,
      '市民',
      {
        trackingCode,
        lang: input.lang,
        publicOk: input.publicOk,
        photos: input.photos,
        coordSystem: input.location.coordSystem,
        createdAt: clock.now().toISOString(),
      },
    );
    const record = await cases.getRecord(result.caseNumber);
    const report = record ? await citizens.reportByCaseId(record.id) : null;
    if (!report)
      throw new DomainError('CONFLICT', 'this idempotency key belongs to a report made another way', {
        field: 'idempotencyKey',
      });
    this.deps.sender?.kick();
    return { trackingCode: report.trackingCode, replayed: result.replayed, outsideGrid: result.outsideGrid };
  }

  private async findByCode(
    raw: string,
    ip: string,
  ): Promise<{ record: CaseRecord; report: CitizenReportRow }> {
    await this.deps.limits.lookup(ip);
    const code = normalizeTrackingCode(raw);
    const report = code ? await this.deps.citizens.reportByCode(code) : null;
    const record = report ? await this.deps.cases.getRecordById(report.caseId) : null;
    if (!report || !record)
      throw new DomainError('NOT_FOUND', 'no report with this tracking code', {
        field: 'code',
        reason: 'not_found',
      });
    return { record, report };
  }

  private unitOf(code: string | null | undefined): PublicStep['unit'] {
    if (!code) return null;
    const s = this.deps.reference.snapshot;
    const u = s.units.find((x) => x.code === code);
    if (!u) return null;
    const d = s.departments.find((x) => x.code === u.departmentCode);
    return {
      code: u.code,
      name: u.name,
      nameEn: u.nameEn,
      department: d?.name ?? '',
      departmentEn: d?.nameEn ?? '',
    };
  }

  private toStep(e: StoredCaseEvent): PublicStep | null {
    const a = e.action as { unitCode?: string; satisfaction?: number };
    switch (e.type) {
      case 'report':
        return { type: 'received', at: e.at };
      case 'verify':
        return { type: 'verified', at: e.at };
      case 'file':
        return { type: 'filed', at: e.at };
      case 'dispatch':
      case 'redispatch':
        return { type: 'dispatched', at: e.at, unit: this.unitOf(a.unitCode) };
      case 'accept':
        return { type: 'accepted', at: e.at };
      case 'report_disposal':
        return { type: 'disposed', at: e.at, photos: e.attachments };
      case 'close':
        return { type: 'closed', at: e.at };
      case 'rework':
        return { type: 'rework', at: e.at };
      case 'void':
        return { type: 'rejected', at: e.at, reason: e.reason };
      case 'merge':
        return { type: 'merged', at: e.at };
      case 'callback':
        return { type: 'rated', at: e.at, satisfaction: a.satisfaction ?? null };
      default:
        return null; // internal steps (return/extension/park requests and decisions)
    }
  }

  async track(code: string, ip: string): Promise<PublicTimeline> {
    const { record, report } = await this.findByCode(code, ip);
    const events = (await this.deps.cases.listEvents(record)).filter((e) => e.seq <= record.version);
    return {
      trackingCode: report.trackingCode,
      lang: report.lang,
      status: publicStatus(record.state),
      hotlineCategory: record.hotlineCategory,
      minorClassCode: record.minorClassCode,
      reportedAt: record.reportedAt,
      photos: report.photos,
      steps: events.map((e) => this.toStep(e)).filter((s): s is PublicStep => s !== null),
      canRate: record.state === 'closed',
      satisfaction: record.satisfaction,
    };
  }

  /** The citizen's satisfaction once the case is closed: the case's callback (回访), actor `public`. */
  async rate(code: string, satisfaction: number, ip: string): Promise<PublicTimeline> {
    const { record } = await this.findByCode(code, ip);
    if (record.state !== 'closed')
      throw new DomainError('ILLEGAL_TRANSITION', 'a report can be rated once it is closed, and only once', {
        field: 'satisfaction',
        reason: 'not_ratable',
      });
    await this.deps.cases.actAsPublic(
      record.caseNumber,
      { type: 'callback', satisfaction, note: '市民在查询页评价' },
      PUBLIC_NAME,
      record.version,
    );
    return this.track(code, ip);
  }

  /** A photo of this report (the citizen's own, or the unit's disposal photo), without metadata. */
  async photo(code: string, sha: string, ip: string): Promise<{ bytes: Uint8Array; mime: string }> {
    const { record } = await this.findByCode(code, ip);
    const events = await this.deps.cases.listEvents(record);
    const allowed =
      (await this.deps.citizens.reportHasPhoto(record.id, sha)) ||
      events.some((e) => e.type === 'report_disposal' && e.attachments.includes(sha));
    const file = allowed ? await this.deps.attachments.readUnchecked(sha) : null;
    if (!file)
      throw new DomainError('NOT_FOUND', 'no such photo for this report', {
        field: 'sha256',
        reason: 'not_found',
      });
    return { bytes: stripImageMetadata(file.bytes, file.mime), mime: file.mime };
  }
}
