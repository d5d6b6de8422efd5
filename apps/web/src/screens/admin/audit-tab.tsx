import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { formatDateTime } from '../../lib/format';
import { ErrorBox, Loading } from '../../components/status';

const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 1));

/** The audit log: who changed what, when, and the record before and after. */
export function AuditTab() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const [target, setTarget] = useState('');
  const log = useQuery(
    trpc.admin.auditLog.queryOptions(target.trim() ? { limit: 200, target: target.trim() } : { limit: 200 }),
  );
  return (
    <div className="admin-tab" data-testid="admin-audit">
      <div className="admin-toolbar">
        <input
          aria-label={t('admin.audit.target')}
          placeholder={t('admin.audit.targetHelp')}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          data-testid="audit-filter"
        />
      </div>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <ErrorBox error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <table className="admin-table audit" data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('admin.audit.at')}</th>
              <th>{t('admin.audit.actor')}</th>
              <th>{t('admin.audit.action')}</th>
              <th>{t('admin.audit.target')}</th>
              <th>{t('admin.audit.before')}</th>
              <th>{t('admin.audit.after')}</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action} data-target={e.target}>
                <td className="num small">{formatDateTime(e.at)}</td>
                <td>{e.actorName}</td>
                <td>
                  {i18n.exists(`admin.audit.actions.${e.action}`)
                    ? t(`admin.audit.actions.${e.action}`)
                    : e.action}
                </td>
                <td className="num">{e.target}</td>
                <td>
                  <pre className="json">{show(e.before)}</pre>
                </td>
                <td>
                  <pre className="json">{show(e.after)}</pre>
                </td>
              </tr>
            ))}
            {log.data.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t('app.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
