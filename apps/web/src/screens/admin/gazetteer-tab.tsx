import { useCallback, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { ErrorBox, Loading } from '../../components/status';
import { ErrorLine, OkLine } from './admin-common';
import { FilePick } from './file-pick';

const KINDS = ['compound', 'building', 'door', 'landmark'] as const;

/**
 * The city's own gazetteer (地名地址): import compounds, buildings, door numbers and landmarks from
 * CSV or GeoJSON points. The preview names the row and field of every problem; the import is one
 * audited transaction and refused while any row has a problem.
 */
export function GazetteerTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const summary = useQuery(trpc.gazetteer.summary.queryOptions());
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const preview = useMutation(trpc.gazetteer.preview.mutationOptions());
  const commit = useMutation(
    trpc.gazetteer.commit.mutationOptions({
      onSuccess: (r) => {
        setDone(t('admin.gazetteer.imported', { total: r.total, inserted: r.inserted, updated: r.updated }));
        preview.reset();
        setText('');
        void qc.invalidateQueries({ queryKey: trpc.gazetteer.summary.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.reference.places.pathKey() });
        void qc.invalidateQueries({ queryKey: trpc.gazetteer.nearest.pathKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
      },
    }),
  );
  const onFile = async (file: File | undefined) => {
    setDone(null);
    commit.reset();
    preview.reset();
    if (!file) return;
    setFileName(file.name);
    const body = await file.text();
    setText(body);
    preview.mutate({ text: body });
  };
  const issueText = useCallback(
    (i: { row: number; field: string; code: string }) =>
      t('admin.gazetteer.issue', {
        row: i.row,
        field: t(`admin.gazetteer.fields.${i.field}`),
        problem: t(`admin.gazetteer.codes.${i.code}`),
      }),
    [t],
  );
  if (summary.isPending) return <Loading />;
  if (summary.isError) return <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} />;
  const p = preview.data;
  return (
    <div className="admin-tab" data-testid="admin-gazetteer">
      <p data-testid="gazetteer-summary">
        {t('admin.gazetteer.summary', { total: summary.data.total })}{' '}
        {KINDS.map((k) => `${t(`admin.gazetteer.kinds.${k}`)} ${summary.data.byKind[k] ?? 0}`).join(' · ')}
      </p>
      <div className="admin-form wide">
        <label className="grow">
          {t('admin.gazetteer.file')}
          <FilePick
            accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json"
            testId="gazetteer-file"
            fileName={fileName}
            onFile={(f) => void onFile(f)}
          />
          <span className="muted small">{t('admin.gazetteer.fileHelp')}</span>
        </label>
      </div>
      <ErrorLine error={preview.error} />
      {preview.isPending && <p className="muted">{t('admin.gazetteer.checking', { file: fileName })}</p>}
      {p && (
        <section data-testid="gazetteer-preview" data-valid={p.valid} data-issues={p.issues.length}>
          <p
            className={p.issues.length ? 'admin-error' : 'admin-ok'}
            role="status"
            data-testid="gazetteer-verdict"
          >
            {p.issues.length
              ? t('admin.gazetteer.refused', { total: p.total, n: p.issues.length })
              : t('admin.gazetteer.ready', { total: p.total })}
          </p>
          {p.issues.length > 0 && (
            <ul className="grid-problems" data-testid="gazetteer-issues">
              {p.issues.slice(0, 50).map((i, n) => (
                <li key={n} data-row={i.row} data-field={i.field} title={i.message}>
                  {issueText(i)}
                </li>
              ))}
            </ul>
          )}
          <table className="admin-table compact" data-testid="gazetteer-rows">
            <thead>
              <tr>
                <th>{t('admin.gazetteer.fields.row')}</th>
                <th>{t('admin.gazetteer.fields.name')}</th>
                <th>{t('admin.gazetteer.fields.kind')}</th>
                <th>{t('admin.gazetteer.fields.address')}</th>
                <th>{t('admin.gazetteer.fields.lng')}</th>
                <th>{t('admin.gazetteer.fields.lat')}</th>
                <th>{t('admin.gazetteer.cell')}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.row} className={r.entry ? '' : 'warn-text'} data-testid="gazetteer-row">
                  <td className="num">{r.row}</td>
                  <td>{r.raw.name}</td>
                  <td>{r.entry ? t(`admin.gazetteer.kinds.${r.entry.kind}`) : r.raw.kind}</td>
                  <td>{r.raw.address}</td>
                  <td className="num">{r.raw.lng}</td>
                  <td className="num">{r.raw.lat}</td>
                  <td className="num">{r.cellCode ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.total > p.rows.length && (
            <p className="muted small">{t('admin.gazetteer.moreRows', { n: p.total - p.rows.length })}</p>
          )}
          <div className="admin-form">
            <button
              type="button"
              className="primary"
              data-testid="gazetteer-apply"
              disabled={p.issues.length > 0 || p.valid === 0 || commit.isPending}
              onClick={() => commit.mutate({ text })}
            >
              {t('admin.gazetteer.apply', { n: p.valid })}
            </button>
          </div>
        </section>
      )}
      <ErrorLine error={commit.error} />
      {done && <OkLine>{done}</OkLine>}
    </div>
  );
}
