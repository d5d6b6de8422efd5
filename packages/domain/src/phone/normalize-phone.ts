import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Xilinhot's long-distance area code (锡林浩特 0479): a 7- or 8-digit local number is dialled inside it. */
export const LOCAL_AREA_CODE = '0479';

/** Mainland China's two-digit area codes (010 Beijing, 02x); every other area code has three digits. */
const TWO_DIGIT_AREA = /^(?:10|2\d)/;

/**
 * The one normal form of a caller's phone number, used both to store it and to look a caller up:
 * for a Chinese number its national significant number (`13800000001`, `4798221234` for 0479-8221234),
 * for a foreign number its E.164 form (`+97699112233`). "138 0000 0001", "+86 138-0000-0001",
 * "0086 13800000001" all give `13800000001`; "822 1234" and "0479 822 1234" both give `4798221234`.
 *
 * Returns `null` for a number that cannot be a caller's: wrong length or prefix for its kind, a
 * service code such as 12319, or a landline whose subscriber part starts with 0 or 1 ("0000000").
 */
export function normalizePhoneNumber(raw: string): string | null {
  const text = raw.trim();
  if (!/^[0-9+\-()\s]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  // a bare 7- or 8-digit number is a local landline in Xilinhot
  const dialled = !text.startsWith('+') && /^\d{7,8}$/.test(digits) ? `${LOCAL_AREA_CODE}${digits}` : text;
  const parsed = parsePhoneNumberFromString(dialled, 'CN');
  if (!parsed || !parsed.isValid()) return null;
  if (parsed.countryCallingCode !== '86') return parsed.number;
  const national = parsed.nationalNumber;
  if (parsed.getType() === 'FIXED_LINE') {
    // libphonenumber accepts any subscriber digits after some area codes; real subscriber numbers start 2–9
    const subscriber = national.slice(TWO_DIGIT_AREA.test(national) ? 2 : 3);
    if (!/^[2-9]/.test(subscriber)) return null;
  }
  return national;
}
