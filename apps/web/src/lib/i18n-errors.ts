import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction, i18n as I18n } from 'i18next';

/** A field-level problem as the server reports it: the zod issue code (or domain code) and its figures. */
export interface FieldIssue {
  field: string;
  message: string;
  code?: string;
  params?: Record<string, string | number | boolean>;
}

const TOO_BIG = { string: 'issues.tooLong', array: 'issues.tooMany', number: 'issues.tooLarge' } as const;
const TOO_SMALL = { string: 'issues.tooShort', array: 'issues.tooFew', number: 'issues.tooSmall' } as const;

/**
 * The person's-language text for one field issue: "Description: at most 4,000 characters…". The
 * length and size limits always come from the issue's own figures; field-specific texts
 * (`fieldErrors.<field>`) explain what a too-short or malformed value should look like.
 */
export function fieldIssueText(t: TFunction, i18n: I18n, issue: FieldIssue): string {
  const path = issue.field.split('.');
  const leaf = [...path].reverse().find((p) => !/^\d+$/.test(p)) ?? issue.field;
  const field = i18n.exists(`fieldNames.${leaf}`) ? t(`fieldNames.${leaf}`) : leaf;
  const p = issue.params ?? {};
  const fmt = (n: unknown) =>
    typeof n === 'number' ? n.toLocaleString(i18n.language === 'en' ? 'en' : 'zh-CN') : String(n);
  const kind =
    p.origin === 'string' ? 'string' : p.origin === 'array' || p.origin === 'set' ? 'array' : 'number';
  // a domain refusal with a coded reason: `fieldErrors.file_not_image`
  if (typeof p.reason === 'string' && i18n.exists(`fieldErrors.${leaf}_${p.reason}`))
    return t(`fieldErrors.${leaf}_${p.reason}`, { field, maximum: fmt(p.maximum) });
  if (issue.code === 'too_big' && p.maximum !== undefined)
    return t(TOO_BIG[kind], { field, maximum: fmt(p.maximum) });
  if (i18n.exists(`fieldErrors.${leaf}`)) return t(`fieldErrors.${leaf}`);
  if (issue.code === 'too_small' && p.minimum !== undefined)
    return t(TOO_SMALL[kind], { field, minimum: fmt(p.minimum) });
  if (issue.code === 'invalid_type' && p.expected === 'nonoptional') return t('issues.required', { field });
  if (issue.code && /^invalid_(type|format|value)$/.test(issue.code))
    return t(`issues.${issue.code}`, { field });
  return t('issues.invalid', { field });
}

/** Localized text for a field issue the server reported (see `fieldIssueText`). */
export function useFieldErrorText(): (issue: FieldIssue) => string {
  const { t, i18n } = useTranslation();
  return useCallback((issue: FieldIssue) => fieldIssueText(t, i18n, issue), [t, i18n]);
}
