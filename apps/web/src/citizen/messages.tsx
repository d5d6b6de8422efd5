import { useTranslation } from 'react-i18next';
import { CitizenApiError } from './api';

const FIELD_KEYS: Record<string, string> = {
  phone: 'field.phone',
  description: 'field.description',
  minorClassCode: 'field.class',
  location: 'field.place',
};

/** A refusal in the citizen's language: the server's reason key, the field it names. */
export function ErrorText({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  let text = t('errors.generic');
  if (error instanceof CitizenApiError) {
    const top = error.field?.split('.')[0] ?? '';
    const field = FIELD_KEYS[top] ? t(FIELD_KEYS[top]) : (error.field ?? '');
    text = t(`errors.${error.reason}`, { field, defaultValue: t('errors.generic') });
  }
  return (
    <p className="error" role="alert" data-testid="citizen-error">
      {text}
    </p>
  );
}

/** Beijing time as digits (sits sideways in vertical Mongolian lines). */
export function formatTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** `ABCD EFGH JKMN`: easier to read out and retype. */
export const groupCode = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ');
