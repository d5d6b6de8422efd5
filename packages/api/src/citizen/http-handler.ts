import { z, ZodError } from 'zod';
import { isDomainError } from '@citygrid/domain';
import { DOMAIN_TO_HTTP } from '../errors.ts';
import type { ReferenceService } from '../services/reference-service.ts';
import { CITIZEN_LANGS, CN_MOBILE } from './notifications.ts';
import { MAX_CITIZEN_PHOTOS, type CitizenService } from './citizen-service.ts';

/** What a citizen sends. Field names are what the refusal names. */
export const ZCitizenReportSchema = z.object({
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,100}$/, 'a random key of 16–100 letters, digits, - or _'),
  lang: z.enum(CITIZEN_LANGS),
  minorClassCode: z.string().regex(/^[CE]\d{4}$/, 'a class code such as C0302'),
  description: z.string().trim().min(2, 'say in a few words what is wrong').max(1000),
  location: z.object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    coordSystem: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84'),
  }),
  phone: z
    .string()
    .transform((s) => s.replace(/[\s-]/g, '').replace(/^\+?86/, ''))
    .pipe(z.string().regex(CN_MOBILE, 'an 11-digit mainland mobile number'))
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  publicOk: z.boolean().default(false),
  photos: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_CITIZEN_PHOTOS)
    .default([]),
});

const ZRatingSchema = z.object({ satisfaction: z.number().int().min(1).max(5) });

export interface CitizenHttpRequest {
  method: string;
  /** Path below the mount point, e.g. `/reports`. */
  path: string;
  body: unknown;
  /** Raw bytes for photo uploads. */
  raw: Uint8Array | null;
  ip: string;
}

export type CitizenHttpResponse =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Uint8Array; contentType: string };

/** The refusal body: a code, the field, a reason key the page translates, and the English message. */
function refusal(e: unknown): CitizenHttpResponse {
  if (e instanceof ZodError) {
    const first = e.issues[0];
    const field = first ? first.path.map(String).join('.') || '(input)' : '(input)';
    return {
      status: 400,
      json: {
        error: {
          code: 'BAD_INPUT',
          reason: 'bad_input',
          field,
          message: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        },
      },
    };
  }
  if (isDomainError(e)) {
    const d = e.details as { field?: string; reason?: string; retryAfterS?: number };
    const reason =
      d.reason ??
      (e.code === 'NOT_FOUND' ? 'not_found' : e.code === 'TOO_MANY_REQUESTS' ? 'rate_limited' : 'bad_input');
    return {
      status: DOMAIN_TO_HTTP[e.code],
      json: {
        error: {
          code: e.code,
          reason,
          field: d.field ?? null,
          message: e.message,
          ...(d.retryAfterS ? { retryAfterS: d.retryAfterS } : {}),
        },
      },
      ...(d.retryAfterS ? { headers: { 'Retry-After': String(d.retryAfterS) } } : {}),
    };
  }
  throw e;
}

/** The public catalog for the report page: categories with their classes, and the grid's outline. */
function catalog(ref: ReferenceService) {
  const s = ref.snapshot;
  return {
    categories: s.hotlineCategories.map((c) => ({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      classes: s.minorClasses
        .filter((m) => m.hotlineCategory === c.code)
        .map((m) => ({ code: m.code, name: m.name, nameEn: m.nameEn })),
    })),
    communities: s.communities.map((c) => ({ code: c.code, ring: c.ring })),
  };
}

/**
 * The citizen channel over plain HTTP (no session, no cookies: nothing ambient to forge), mounted
 * at `/api/citizen`. Framework-neutral like the Open311 handler; apps/server only adapts it.
 */
export async function handleCitizen(
  citizen: CitizenService,
  ref: ReferenceService,
  req: CitizenHttpRequest,
): Promise<CitizenHttpResponse> {
  try {
    const m = req.method.toUpperCase();
    const track = /^\/track\/([^/]+)(\/rating|\/photos\/([0-9a-f]{64}))?$/.exec(req.path);
    if (m === 'GET' && req.path === '/catalog')
      return { status: 200, json: catalog(ref), headers: { 'Cache-Control': 'public, max-age=300' } };
    if (m === 'POST' && req.path === '/photos')
      return { status: 201, json: await citizen.savePhoto(req.raw ?? new Uint8Array(), req.ip) };
    if (m === 'POST' && req.path === '/reports')
      return { status: 201, json: await citizen.submit(ZCitizenReportSchema.parse(req.body), req.ip) };
    if (track && m === 'GET' && !track[2])
      return {
        status: 200,
        json: await citizen.track(decodeURIComponent(track[1]!), req.ip),
        headers: { 'Cache-Control': 'no-store' },
      };
    if (track && m === 'POST' && track[2] === '/rating')
      return {
        status: 200,
        json: await citizen.rate(
          decodeURIComponent(track[1]!),
          ZRatingSchema.parse(req.body).satisfaction,
          req.ip,
        ),
      };
    if (track && m === 'GET' && track[3]) {
      const p = await citizen.photo(decodeURIComponent(track[1]!), track[3], req.ip);
      return { status: 200, bytes: p.bytes, contentType: p.mime };
    }
    return {
      status: 404,
      json: {
        error: { code: 'NOT_FOUND', reason: 'not_found', field: null, message: `no route ${m} ${req.path}` },
      },
    };
  } catch (e) {
    return refusal(e);
  }
}
