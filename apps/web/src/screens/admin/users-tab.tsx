import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type Role } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { ErrorBox, Loading } from '../../components/status';
import { ErrorLine, OkLine } from './admin-common';

const ROLES: Role[] = [
  'operator',
  'inspector',
  'shift_lead',
  'dispatcher',
  'unit_staff',
  'supervisor',
  'admin',
];

/** Users: create, change role and unit, disable/enable, reset the password. */
export function UsersTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useReference();
  const localName = useLocalName();
  const users = useQuery(trpc.admin.users.queryOptions());
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
  };
  const [done, setDone] = useState<string | null>(null);
  const update = useMutation(
    trpc.admin.updateUser.mutationOptions({
      onSuccess: (u) => {
        setDone(t('admin.users.saved', { name: u.username }));
        invalidate();
      },
    }),
  );
  const create = useMutation(
    trpc.admin.createUser.mutationOptions({
      onSuccess: (u) => {
        setDone(t('admin.users.created', { name: u.username }));
        invalidate();
      },
    }),
  );
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: 'operator' as Role,
    unitCode: '',
    password: '',
  });
  const [resetFor, setResetFor] = useState<number | null>(null);
  const [newPassword, setNewPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    create.mutate({ ...form, unitCode: form.role === 'unit_staff' ? form.unitCode || null : null });
  };

  if (users.isPending) return <Loading />;
  if (users.isError) return <ErrorBox error={users.error} onRetry={() => void users.refetch()} />;
  return (
    <div className="admin-tab" data-testid="admin-users">
      <form className="admin-form" onSubmit={submit} data-testid="user-create-form">
        <h3>{t('admin.users.create')}</h3>
        <label>
          {t('admin.users.username')}
          <input
            data-testid="user-username"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
            required
          />
        </label>
        <label>
          {t('admin.users.displayName')}
          <input
            data-testid="user-display-name"
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            required
          />
        </label>
        <label>
          {t('admin.users.role')}
          <select
            data-testid="user-role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.users.unit')}
          <select
            data-testid="user-unit"
            value={form.unitCode}
            onChange={(e) => setForm({ ...form, unitCode: e.target.value })}
            disabled={form.role !== 'unit_staff'}
          >
            <option value="">—</option>
            {ref.data.units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.code} {localName(u)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.users.password')}
          <input
            data-testid="user-password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            required
          />
        </label>
        <button type="submit" className="primary" data-testid="user-create" disabled={create.isPending}>
          {t('admin.users.createButton')}
        </button>
        <ErrorLine error={create.error} />
      </form>
      {done && <OkLine>{done}</OkLine>}
      <ErrorLine error={update.error} />
      <table className="admin-table" data-testid="users-table">
        <thead>
          <tr>
            <th>{t('admin.users.username')}</th>
            <th>{t('admin.users.displayName')}</th>
            <th>{t('admin.users.role')}</th>
            <th>{t('admin.users.unit')}</th>
            <th>{t('admin.users.status')}</th>
            <th>{t('admin.users.createdAt')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.data.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.username}`} className={u.active ? '' : 'inactive'}>
              <td className="num">{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                <select
                  aria-label={t('admin.users.role')}
                  data-testid={`user-role-${u.username}`}
                  value={u.role}
                  onChange={(e) =>
                    update.mutate({
                      id: u.id,
                      role: e.target.value as Role,
                      ...(e.target.value === 'unit_staff'
                        ? { unitCode: u.unitCode ?? ref.data.units[0]?.code ?? null }
                        : {}),
                    })
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`roles.${r}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {u.role === 'unit_staff' ? (
                  <select
                    aria-label={t('admin.users.unit')}
                    data-testid={`user-unit-${u.username}`}
                    value={u.unitCode ?? ''}
                    onChange={(e) => update.mutate({ id: u.id, unitCode: e.target.value })}
                  >
                    {ref.data.units.map((x) => (
                      <option key={x.code} value={x.code}>
                        {x.code} {localName(x)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-testid={`user-status-${u.username}`} data-active={u.active ? 'true' : 'false'}>
                {u.active ? t('admin.users.active') : t('admin.users.disabled')}
              </td>
              <td className="num small muted">{formatDateTime(u.createdAt)}</td>
              <td className="row-actions">
                <button
                  type="button"
                  className="small"
                  data-testid={`user-toggle-${u.username}`}
                  onClick={() => update.mutate({ id: u.id, active: !u.active })}
                >
                  {u.active ? t('admin.users.disable') : t('admin.users.enable')}
                </button>
                {resetFor === u.id ? (
                  <form
                    className="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      update.mutate(
                        { id: u.id, password: newPassword },
                        {
                          onSuccess: () => {
                            setResetFor(null);
                            setNewPassword('');
                          },
                        },
                      );
                    }}
                  >
                    <input
                      type="password"
                      autoComplete="new-password"
                      aria-label={t('admin.users.newPassword')}
                      placeholder={t('admin.users.newPassword')}
                      data-testid="user-new-password"
                      value={newPassword}
                      onChange={(e) => setNewPassword(e.target.value)}
                      required
                    />
                    <button type="submit" className="small primary" data-testid="user-reset-save">
                      {t('app.save')}
                    </button>
                  </form>
                ) : (
                  <button
                    type="button"
                    className="small"
                    data-testid={`user-reset-${u.username}`}
                    onClick={() => setResetFor(u.id)}
                  >
                    {t('admin.users.resetPassword')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
