import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { ErrorLine, OkLine } from './admin-common';

const UNITS = ['working_hours', 'working_days', 'calendar_hours'] as const;
type LimitUnit = (typeof UNITS)[number];

/** The disposal time limit (处置时限) of each minor class; new cases take the new limit. */
export function LimitsTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useReference();
  const localName = useLocalName();
  const [edits, setEdits] = useState<Record<string, { amount: string; unit: LimitUnit }>>({});
  const [filter, setFilter] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation(
    trpc.admin.setTimeLimit.mutationOptions({
      onSuccess: (m) => {
        setDone(t('admin.limits.saved', { code: m.code }));
        setEdits((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== m.code)));
        void qc.invalidateQueries({ queryKey: trpc.reference.bootstrap.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
      },
    }),
  );
  const classes = ref.data.minorClasses.filter(
    (m) =>
      !filter ||
      m.code.includes(filter.toUpperCase()) ||
      m.name.includes(filter) ||
      m.nameEn.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <div className="admin-tab" data-testid="admin-limits">
      <div className="admin-toolbar">
        <input
          aria-label={t('app.search')}
          placeholder={t('admin.limits.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="limits-filter"
        />
      </div>
      <ErrorLine error={save.error} />
      {done && <OkLine>{done}</OkLine>}
      <table className="admin-table" data-testid="limits-table">
        <thead>
          <tr>
            <th>{t('admin.routing.class')}</th>
            <th>{t('admin.limits.current')}</th>
            <th>{t('admin.limits.urgent')}</th>
            <th>{t('admin.limits.new')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {classes.map((m) => {
            const e = edits[m.code] ?? {
              amount: String(m.timeLimit.amount),
              unit: m.timeLimit.unit as LimitUnit,
            };
            const set = (v: Partial<typeof e>) => setEdits((x) => ({ ...x, [m.code]: { ...e, ...v } }));
            return (
              <tr key={m.code} data-testid={`limit-row-${m.code}`}>
                <td>
                  {m.code} {localName(m)}
                </td>
                <td className="num" data-testid={`limit-current-${m.code}`}>
                  {m.timeLimit.amount} {t(`limitUnits.${m.timeLimit.unit}`)}
                </td>
                <td className="num muted">
                  {m.urgentTimeLimit
                    ? `${m.urgentTimeLimit.amount} ${t(`limitUnits.${m.urgentTimeLimit.unit}`)}`
                    : '—'}
                </td>
                <td className="inline-form">
                  <input
                    aria-label={t('admin.limits.amount')}
                    data-testid={`limit-amount-${m.code}`}
                    type="number"
                    min="0.5"
                    step="0.5"
                    value={e.amount}
                    onChange={(ev) => set({ amount: ev.target.value })}
                  />
                  <select
                    aria-label={t('admin.limits.unit')}
                    data-testid={`limit-unit-${m.code}`}
                    value={e.unit}
                    onChange={(ev) => set({ unit: ev.target.value as LimitUnit })}
                  >
                    {UNITS.map((u) => (
                      <option key={u} value={u}>
                        {t(`limitUnits.${u}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="small primary"
                    data-testid={`limit-save-${m.code}`}
                    disabled={!edits[m.code] || save.isPending}
                    onClick={() => {
                      setDone(null);
                      save.mutate({
                        minorClassCode: m.code,
                        timeLimit: { amount: Number(e.amount), unit: e.unit },
                      });
                    }}
                  >
                    {t('app.save')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
