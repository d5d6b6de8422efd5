import { normalizePhoneNumber } from './normalize-phone.ts';

/** Digits an operator must have typed before the caller's history is looked up (a local number has 7). */
export const CALLER_LOOKUP_MIN_DIGITS = 7;

/**
 * Whether the text in the caller-phone field is worth a history look-up yet: `incomplete` while fewer
 * than {@link CALLER_LOOKUP_MIN_DIGITS} digits are typed, `invalid` when it cannot be a caller's number
 * (the same `normalizePhoneNumber` the server stores and searches by), `valid` otherwise.
 */
export function callerLookupStatus(raw: string): 'incomplete' | 'invalid' | 'valid' {
  if (raw.replace(/\D/g, '').length < CALLER_LOOKUP_MIN_DIGITS) return 'incomplete';
  return normalizePhoneNumber(raw) === null ? 'invalid' : 'valid';
}
