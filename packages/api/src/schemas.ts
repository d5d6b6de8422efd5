import { z } from 'zod';
import { CASE_STATES, REQUEST_NATURES, ROLES, normalizePhoneNumber } from '@citygrid/domain';

/** Shared zod schemas. Messages are short and name what is wrong; the path names the field. */
export const ZCaseNumberSchema = z.string().regex(/^\d{8}-\d{4,}$/, 'case number looks like 20261124-0042');
export const ZVersionSchema = z.number().int().min(1);
const reason = z.string().trim().min(2, 'give a reason').max(2000);
const note = z.string().trim().max(4000).optional();
const unitCode = z.string().trim().min(1).max(20);

export const ZLatLngSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  crs: z.enum(['wgs84', 'gcj02', 'bd09']).optional(),
});

/**
 * A caller's phone number, parsed to its one stored form (`normalizePhoneNumber`: national number for
 * Chinese numbers, E.164 for foreign ones); an impossible number is refused naming the field.
 */
export const ZPhoneSchema = z
  .string()
  .trim()
  .max(30, 'phone number: at most 30 characters')
  .transform((raw, ctx) => {
    const normal = normalizePhoneNumber(raw);
    if (normal === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'not a possible phone number (mobile, or landline with or without 0479)',
      });
      return z.NEVER;
    }
    return normal;
  });

export const ZIntakeSchema = z.object({
  callerName: z.string().trim().max(50).nullish(),
  callerPhone: ZPhoneSchema.nullish(),
  nature: z.enum(REQUEST_NATURES),
  minorClassCode: z.string().regex(/^[CE]\d{4}$/, 'minor class code like E0101'),
  description: z.string().trim().min(2, 'describe the problem').max(4000),
  urgency: z.enum(['normal', 'urgent']).default('normal'),
  location: ZLatLngSchema.nullable(),
  address: z.string().trim().max(200).nullish(),
  duplicateOf: ZCaseNumberSchema.nullish(),
  idempotencyKey: z.string().min(8).max(100).nullish(),
});

const a = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

/**
 * An action a person asks for on an existing case, as a client sends it. Deadlines are never sent:
 * the service computes them from the case's own limit. Which role may ask for which action is the
 * domain's `TRANSITIONS` table (`mayRequestAction`), not this schema.
 */
export const ZActionRequestSchema = z.discriminatedUnion('type', [
  a('verify', { note }),
  a('file', { note }),
  a('void', { reason }),
  a('merge', { targetCaseNumber: ZCaseNumberSchema, reason: note }),
  a('dispatch', { unitCode, note }),
  a('redispatch', { unitCode, reason }),
  a('accept', { note }),
  a('request_return', { reason }),
  a('approve_return', { note }),
  a('refuse_return', { reason }),
  a('request_extension', { reason, amount: z.number().positive().max(1000) }),
  a('approve_extension', { note }),
  a('refuse_extension', { reason }),
  a('request_park', { reason }),
  a('approve_park', { note }),
  a('refuse_park', { reason }),
  a('resume', { note }),
  a('report_disposal', {
    note: z.string().trim().min(2, 'describe what was done').max(4000),
    attachments: z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .max(10)
      .default([]),
  }),
  a('close', { note }),
  a('rework', { reason }),
  a('callback', { satisfaction: z.number().int().min(1).max(5), note }),
  a('urge', { reason }),
  a('escalate', { reason }),
]);
/** The payload of an action as the service receives it (after parsing). */
export type ActionRequest = z.output<typeof ZActionRequestSchema>;

/** `cases.act`: which case, at which version, and the action. */
export const ZCaseActSchema = z.object({
  caseNumber: ZCaseNumberSchema,
  expectedVersion: ZVersionSchema,
  action: ZActionRequestSchema,
});

export const ZCaseStateSchema = z.enum(CASE_STATES);

/**
 * One page of a work queue: offset paging over a stable order (the order ends in the row id), plus a
 * server-side search over the whole queue (case number, phone, description, address).
 */
export const QUEUE_PAGE_SIZE = 50;
export const ZQueuePageSchema = z.object({
  limit: z.number().int().min(1).max(200).default(QUEUE_PAGE_SIZE),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  search: z.string().trim().max(100).optional(),
});
export type QueuePage = z.infer<typeof ZQueuePageSchema>;
export const ZRoleSchema = z.enum(ROLES);

const isoInstant = z.iso.datetime({ offset: true });
export const ZCaseFilterSchema = z.object({
  states: z.array(ZCaseStateSchema).max(20).optional(),
  unitCode: z.string().max(20).optional(),
  cellCode: z
    .string()
    .regex(/^\d{14}$/)
    .optional(),
  communityCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  minorClassCode: z
    .string()
    .regex(/^[CE]\d{4}$/)
    .optional(),
  hotlineCategory: z.string().max(40).optional(),
  reportedFrom: isoInstant.optional(),
  reportedTo: isoInstant.optional(),
  search: z.string().max(100).optional(),
});

export const ZPeriodSchema = z
  .object({ from: isoInstant, to: isoInstant })
  .refine((p) => Date.parse(p.from) < Date.parse(p.to), { message: 'from must be before to', path: ['to'] });

export const toIso = (s: string) => new Date(s).toISOString();
