import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Localized message for a field the server rejected, or null to keep the server's text. */
export function useFieldErrorText(): (field: string) => string | null {
  const { t, i18n } = useTranslation();
  return useCallback((field: string) => (i18n.exists(`fieldErrors.${field}`) ? t(`fieldErrors.${field}`) : null), [t, i18n]);
}
