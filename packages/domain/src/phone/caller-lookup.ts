/** Digits an operator must have typed before the caller's history is looked up (a local number has 7). */
export const CALLER_LOOKUP_MIN_DIGITS = 7;

/**
 * Whether the text in the caller-phone field is worth a history look-up yet: once it holds
 * {@link CALLER_LOOKUP_MIN_DIGITS} digits, however they are separated. Whether it is a possible
 * number is the server's answer (`normalizePhoneNumber`, the form it stores and searches by), so the
 * browser does not load the phone-number metadata for it.
 */
export function isCallerLookupReady(raw: string): boolean {
  return raw.replace(/\D/g, '').length >= CALLER_LOOKUP_MIN_DIGITS;
}
