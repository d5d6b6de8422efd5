import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { formatDateTime } from '../../lib/format';
import { ErrorBox, Loading } from '../../components/status';
import { ErrorLine } from './admin-common';

/** Open311 API keys: a new key is shown once (only its hash is stored); revoking takes effect at once. */
export function KeysTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.admin.apiKeys.queryOptions());
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.admin.apiKeys.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
  };
  const create = useMutation(
    trpc.admin.createApiKey.mutationOptions({
      onSuccess: (r) => {
        setFresh(r.key);
        setName('');
        refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.admin.revokeApiKey.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFresh(null);
    create.mutate({ name });
  };
  return (
    <div className="admin-tab" data-testid="admin-keys">
      <form className="admin-form" onSubmit={submit} data-testid="key-form">
        <h3>{t('admin.keys.create')}</h3>
        <label>
          {t('admin.keys.name')}
          <input data-testid="key-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" className="primary" data-testid="key-create">
          {t('admin.keys.createButton')}
        </button>
      </form>
      <ErrorLine error={create.error ?? revoke.error} />
      {fresh && (
        <div className="admin-ok" role="status">
          {t('admin.keys.once')} <code data-testid="key-value">{fresh}</code>
        </div>
      )}
      {keys.isPending ? (
        <Loading />
      ) : keys.isError ? (
        <ErrorBox error={keys.error} />
      ) : (
        <table className="admin-table" data-testid="keys-table">
          <thead>
            <tr>
              <th>{t('admin.keys.id')}</th>
              <th>{t('admin.keys.name')}</th>
              <th>{t('admin.keys.createdAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} data-testid={`key-row-${k.id}`}>
                <td className="num">{k.id}…</td>
                <td>{k.name}</td>
                <td className="num small">{formatDateTime(k.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    data-testid={`key-revoke-${k.id}`}
                    onClick={() => revoke.mutate({ id: k.id })}
                  >
                    {t('admin.keys.revoke')}
                  </button>
                </td>
              </tr>
            ))}
            {keys.data.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
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
