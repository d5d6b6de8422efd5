/**
 * What the Open311 endpoint may publish about a case (issue 9.12).
 *
 * Without an API key (the public): only hotline cases whose caller agreed to publication, plus the
 * reports that arrived through Open311 or from inspectors; the location coarsened to the grid cell's
 * centroid (or rounded to 0.01° ≈ 1 km outside the grid); the address replaced by the community;
 * descriptions and notes with names, phone numbers and e-mail addresses removed.
 * With a partner's API key: every case, the exact location and address, the full description.
 */
import type { CaseRecord } from '@citygrid/db';

/** Is this case published to callers without an API key? Hotline cases need the caller's consent. */
export const isPublicCase = (r: Pick<CaseRecord, 'source' | 'publicConsent'>): boolean =>
  r.source !== 'hotline' || r.publicConsent;

const EMAIL = /[^\s@<>()[\]{}:;,，。：；]+@[^\s@<>]+\.[A-Za-z]{2,}/g;
// mainland mobiles (optionally +86), landlines with area code, and any other run of 7+ digits
const MOBILE = /(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}/g;
const LANDLINE = /(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?\d{7,8}(?:-\d{1,5})?/g;
const DIGIT_RUN = /\d{7,}/g;
// 王先生, 李女士, 张师傅 ...: a surname with a form of address
const HONORIFIC = /[\u4e00-\u9fff]{1,2}(?:先生|女士|小姐|师傅|阿姨|大爷|大妈|老师)/g;

export const REDACTED_PHONE = '[电话已隐去]';
export const REDACTED_NAME = '[姓名已隐去]';
export const REDACTED_EMAIL = '[邮箱已隐去]';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The name strings to remove: the full name, and for Latin names each part of two letters or more. */
function nameParts(names: ReadonlyArray<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const name = n?.trim();
    if (!name) continue;
    out.add(name);
    if (/[\u3400-\u9fff]/.test(name)) {
      if (name.length >= 3) out.add(name.slice(1)); // given name (surname + given name)
    } else {
      for (const part of name.split(/\s+/)) if (part.length >= 2) out.add(part);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Remove names (those known for the case, and forms of address), phone numbers and e-mail addresses. */
export function redactPersonalData(
  text: string,
  names: ReadonlyArray<string | null | undefined> = [],
): string {
  let s = text
    .replace(EMAIL, REDACTED_EMAIL)
    .replace(MOBILE, REDACTED_PHONE)
    .replace(LANDLINE, REDACTED_PHONE)
    .replace(DIGIT_RUN, REDACTED_PHONE);
  for (const n of nameParts(names)) {
    const latin = !/[\u3400-\u9fff]/.test(n);
    s = s.replace(
      new RegExp(latin ? `\\b${escapeRegExp(n)}\\b` : escapeRegExp(n), latin ? 'gi' : 'g'),
      REDACTED_NAME,
    );
  }
  return s.replace(HONORIFIC, REDACTED_NAME);
}

/** Names known for a case: the caller's, and the local part of the reporter's e-mail address. */
export const namesOf = (r: Pick<CaseRecord, 'callerName' | 'reporterEmail'>): string[] =>
  [r.callerName, r.reporterEmail?.split('@')[0]].filter(
    (x): x is string => typeof x === 'string' && x.length >= 2,
  );

/** 0.01° of latitude is about 1.1 km: coarse enough not to point at a home. */
export const roundCoordinate = (v: number) => Math.round(v * 100) / 100;
