import { DomainError, normalizePhoneNumber } from '@citygrid/domain';
import type { CaseSearchCriteria } from '@citygrid/db';

/** A case number or its beginning: the Beijing day `YYYYMMDD`, then `-` and the sequence. */
const CASE_NUMBER_PREFIX = /^\d{8}(?:-\d*)?$/;
/** Typed like a phone number: digits with spaces, dashes, brackets or a leading +. */
const PHONE_LIKE = /^\+?[\d\s\-()]+$/;
/** Characters that only separate words (FTS syntax and punctuation carry no meaning here). */
const SEPARATORS = /[\s\p{Cc}"'`*^:(){}[\],，。、；;！!？?]+/u;

/**
 * What a person typed into the case search, as criteria: a case number (or its day prefix), a
 * caller phone in any format (its normal form, as stored: 0479-822 1234 finds 4798221234), and text
 * that must appear in the description or address (every word, as a substring: Chinese needs no
 * spaces). A phone-like string of three or more digits also finds any caller phone containing them.
 * Nothing searchable (only punctuation) is refused naming the field `q`.
 */
export function parseCaseSearchQuery(raw: string): CaseSearchCriteria {
  const q = raw.trim();
  const caseNumberPrefix = CASE_NUMBER_PREFIX.test(q) ? q : null;
  if (PHONE_LIKE.test(q)) {
    const digits = q.replace(/\D/g, '');
    const phone = normalizePhoneNumber(q);
    if (digits.length >= 3 || phone || caseNumberPrefix) {
      return {
        caseNumberPrefix,
        phone,
        textTerms: digits.length >= 3 && !caseNumberPrefix && !(phone && digits.length >= 10) ? [digits] : [],
        digits: true,
      };
    }
  }
  const textTerms = [...new Set(q.split(SEPARATORS).filter((t) => t.length > 0))].slice(0, 8);
  if (textTerms.length === 0 && !caseNumberPrefix) {
    throw new DomainError(
      'BAD_INPUT',
      'q: type a case number, a phone number or words of the description or address',
      { field: 'q' },
    );
  }
  return { caseNumberPrefix, phone: null, textTerms, digits: false };
}
