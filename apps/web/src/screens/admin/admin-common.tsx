import { useCallback, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorData } from '../../lib/trpc';

/** One message for a failed admin call: the field it names (translated), else the error code, else the server's text. */
export function useAdminErrorText(): (e: unknown) => string | null {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      if (!e) return null;
      const d = errorData(e);
      const field = d.domain?.field ?? d.fields?.[0]?.field ?? null;
      const leaf = field
        ? (field.split('.').find((p) => i18n.exists(`admin.fieldErrors.${p}`)) ?? null)
        : null;
      const server = d.fields?.[0]?.message ?? (e instanceof Error ? e.message : String(e));
      if (leaf) return `${t(`admin.fieldErrors.${leaf}`)}（${server}）`;
      const code = d.domain?.code ?? d.code;
      if (code && i18n.exists(`admin.errorCodes.${code}`))
        return `${t(`admin.errorCodes.${code}`)}（${server}）`;
      return server;
    },
    [t, i18n],
  );
}

export function ErrorLine({ error }: { error: unknown }) {
  const text = useAdminErrorText()(error);
  return text ? (
    <p className="admin-error" role="alert" data-testid="admin-error">
      {text}
    </p>
  ) : null;
}

export function OkLine({ children }: { children: ReactNode }) {
  return (
    <p className="admin-ok" role="status" data-testid="admin-ok">
      {children}
    </p>
  );
}
