import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { inferOutput, TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@citygrid/api';

export type GridPreview = inferOutput<TRPCOptionsProxy<AppRouter>['gridImport']['preview']>;
type Problem = GridPreview['problems'][number];

const PROBLEM_KINDS = [
  'gap',
  'overlap',
  'code',
  'sequence',
  'outside_extent',
  'outside_community',
  'geometry',
  'other',
] as const;
const SHOWN = 50;

const m2 = (a: number | null) =>
  a === null ? '' : a >= 10 ? a.toFixed(0) : a === 0 ? '0' : a.toPrecision(2);
/** Always listed; the other kinds only when found. */
const ALWAYS = new Set(['gap', 'overlap', 'code']);

/** One partition problem in the reader's language: its kind, the cells it names and the area. */
export function usePartitionProblemText(): (p: Problem) => string {
  const { t } = useTranslation();
  return useCallback(
    (p: Problem) =>
      t(`admin.grid.problems.${p.kind}`, {
        cells: p.cells.join(t('admin.grid.listSeparator')) || '—',
        area: m2(p.areaM2),
        // not `lng`: i18next reads an option of that name as the language
        latitude: p.at ? p.at[1].toFixed(5) : '',
        longitude: p.at ? p.at[0].toFixed(5) : '',
      }),
    [t],
  );
}

/** The partition report of an upload: counts, the verdict, and the first problems. */
export function GridReport({ report }: { report: GridPreview }) {
  const { t } = useTranslation();
  const text = usePartitionProblemText();
  const c = report.counts;
  const first = report.problems[0];
  return (
    <section className="grid-report" data-testid="grid-report" data-ok={report.ok ? 'true' : 'false'}>
      {report.ok ? (
        <p className="admin-ok" role="status" data-testid="grid-verdict">
          {t('admin.grid.ok', { version: report.version, current: report.currentVersion })}
        </p>
      ) : (
        <p className="admin-error" role="alert" data-testid="grid-verdict">
          {t('admin.grid.refused', { n: report.problems.length, first: first ? text(first) : '' })}
        </p>
      )}
      <table className="admin-table compact" data-testid="grid-counts">
        <tbody>
          {(['cells', 'added', 'changed', 'removed'] as const).map((k) => (
            <tr key={k} data-testid={`grid-count-${k}`}>
              <th>{t(`admin.grid.counts.${k}`)}</th>
              <td className="num">{c[k]}</td>
            </tr>
          ))}
          {PROBLEM_KINDS.filter((k) => ALWAYS.has(k) || c[k] > 0).map((k) => (
            <tr key={k} data-testid={`grid-count-${k}`} className={c[k] > 0 ? 'warn-text' : ''}>
              <th>{t(`admin.grid.counts.${k}`)}</th>
              <td className="num">{c[k]}</td>
            </tr>
          ))}
          {report.gapAreaM2 > 0 && (
            <tr>
              <th>{t('admin.grid.counts.gapArea')}</th>
              <td className="num">{m2(report.gapAreaM2)}</td>
            </tr>
          )}
          {report.overlapAreaM2 > 0 && (
            <tr>
              <th>{t('admin.grid.counts.overlapArea')}</th>
              <td className="num">{m2(report.overlapAreaM2)}</td>
            </tr>
          )}
          {c.orphanRules > 0 && (
            <tr className="warn-text" data-testid="grid-count-orphanRules">
              <th>{t('admin.grid.counts.orphanRules')}</th>
              <td className="num">{c.orphanRules}</td>
            </tr>
          )}
        </tbody>
      </table>
      {report.problems.length > 0 && (
        <ol className="grid-problems" data-testid="grid-problems">
          {report.problems.slice(0, SHOWN).map((p, i) => (
            <li key={i} data-kind={p.kind} title={p.text}>
              {text(p)}
            </li>
          ))}
          {report.problems.length > SHOWN && (
            <li className="muted">{t('admin.grid.more', { n: report.problems.length - SHOWN })}</li>
          )}
        </ol>
      )}
    </section>
  );
}
