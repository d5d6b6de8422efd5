import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { ErrorBox, Loading } from '../../components/status';
import { ErrorLine, OkLine } from './admin-common';

/** `2028-01-01 元旦` per line → entries; blank lines ignored. */
const parseLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [date = '', ...name] = l.split(/\s+/);
      return { date, name: name.join(' ') || date };
    });

/** The working calendar: loaded years, the run-out warning, and loading a year's holidays. */
export function CalendarTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const status = useQuery(trpc.admin.calendarStatus.queryOptions());
  const [year, setYear] = useState<string>('');
  const [holidays, setHolidays] = useState('');
  const [makeUp, setMakeUp] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const load = useMutation(
    trpc.admin.loadCalendarYear.mutationOptions({
      onSuccess: (s) => {
        qc.setQueryData(trpc.admin.calendarStatus.queryKey(), s);
        setDone(t('admin.calendar.loaded', { year: year || String(s.nextYear - 1) }));
        void qc.invalidateQueries({ queryKey: trpc.reference.bootstrap.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
      },
    }),
  );
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorBox error={status.error} onRetry={() => void status.refetch()} />;
  const s = status.data;
  const y = year || String(s.nextYear);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    load.mutate({ year: Number(y), holidays: parseLines(holidays), makeUpWorkdays: parseLines(makeUp) });
  };
  return (
    <div className="admin-tab" data-testid="admin-calendar">
      <section
        className="calendar-status"
        data-testid="calendar-status"
        data-warning={s.warning ? 'true' : 'false'}
      >
        <p>
          {s.coveredUntil
            ? t('admin.calendar.coveredUntil', { date: s.coveredUntil, days: s.daysLeft })
            : t('admin.calendar.none')}
        </p>
        {s.warning && (
          <p className="warn-text">
            {t('admin.calendar.warning', { weeks: s.warningWeeks, year: s.nextYear })}
          </p>
        )}
        <table className="admin-table compact" data-testid="calendar-years">
          <thead>
            <tr>
              <th>{t('admin.calendar.year')}</th>
              <th>{t('admin.calendar.holidays')}</th>
              <th>{t('admin.calendar.makeUp')}</th>
            </tr>
          </thead>
          <tbody>
            {s.years.map((x) => (
              <tr key={x.year} data-testid={`calendar-year-${x.year}`}>
                <td className="num">{x.year}</td>
                <td className="num">{x.holidays}</td>
                <td className="num">{x.makeUpWorkdays}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <form className="admin-form wide" onSubmit={submit} data-testid="calendar-form">
        <h3>{t('admin.calendar.load')}</h3>
        <label>
          {t('admin.calendar.year')}
          <input
            data-testid="calendar-year"
            type="number"
            min="2000"
            max="2100"
            value={y}
            onChange={(e) => setYear(e.target.value)}
            required
          />
        </label>
        <label className="grow">
          {t('admin.calendar.holidaysHelp')}
          <textarea
            data-testid="calendar-holidays"
            rows={6}
            value={holidays}
            onChange={(e) => setHolidays(e.target.value)}
            placeholder={`${y}-01-01 元旦\n${y}-05-01 劳动节`}
            required
          />
        </label>
        <label className="grow">
          {t('admin.calendar.makeUpHelp')}
          <textarea
            data-testid="calendar-makeup"
            rows={6}
            value={makeUp}
            onChange={(e) => setMakeUp(e.target.value)}
            placeholder={`${y}-04-30 劳动节调休上班`}
          />
        </label>
        <button type="submit" className="primary" data-testid="calendar-load" disabled={load.isPending}>
          {t('admin.calendar.loadButton')}
        </button>
      </form>
      <ErrorLine error={load.error} />
      {done && <OkLine>{done}</OkLine>}
    </div>
  );
}
