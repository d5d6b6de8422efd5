import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_LENGTH = 12; // 60 random bits
export const TRACKING_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** A fresh, unguessable public tracking code (not derived from the case number). */
export function generateTrackingCode(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(TRACKING_CODE_LENGTH);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** Accept what a person types: any case, hyphens/spaces, O for 0 and I/L for 1. Null when malformed. */
export function normalizeTrackingCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return TRACKING_CODE_PATTERN.test(s) ? s : null;
}
