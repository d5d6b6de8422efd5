import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { ErrorLine, OkLine } from './admin-common';
import { GridDiffMap } from './grid-diff-map';
import { FilePick } from './file-pick';
import { GridReport, usePartitionProblemText, type GridPreview } from './grid-report';

const defaultVersion = () => `${new Date().toISOString().slice(0, 10)}-import`;

/**
 * Grid import (网格): upload a GeoJSON FeatureCollection of cells (or a full grid document), see the
 * partition report and the changed cells on the grid, and apply it as a new grid version. Cases
 * already filed keep their cell.
 */
export function GridTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useReference();
  const problemText = usePartitionProblemText();
  const [fileName, setFileName] = useState('');
  const [document, setDocument] = useState<unknown>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [version, setVersion] = useState(defaultVersion);
  const [done, setDone] = useState<string | null>(null);
  const preview = useMutation(trpc.gridImport.preview.mutationOptions());
  const commit = useMutation(
    trpc.gridImport.commit.mutationOptions({
      onSuccess: (r) => {
        setDone(t('admin.grid.applied', { version: r.preview.version, cells: r.preview.counts.cells }));
        preview.reset();
        setDocument(null);
        void qc.invalidateQueries({ queryKey: trpc.reference.bootstrap.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
      },
    }),
  );
  const report: GridPreview | undefined = preview.data;

  const onFile = async (file: File | undefined) => {
    setDone(null);
    setReadError(null);
    preview.reset();
    commit.reset();
    if (!file) return;
    setFileName(file.name);
    try {
      const doc: unknown = JSON.parse(await file.text());
      setDocument(doc);
      preview.mutate({ document: doc, version });
    } catch {
      setDocument(null);
      setReadError(t('admin.grid.notJson', { file: file.name }));
    }
  };
  const check = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    commit.reset();
    if (document) preview.mutate({ document, version });
  };

  const problemCells = useMemo(() => new Set(report?.problems.flatMap((p) => p.cells) ?? []), [report]);
  const spots = useMemo(
    () => (report?.problems ?? []).flatMap((p) => (p.at ? [{ at: p.at, label: problemText(p) }] : [])),
    [report, problemText],
  );

  return (
    <div className="admin-tab" data-testid="admin-grid">
      <p className="muted">
        {t('admin.grid.current', { version: ref.data.gridVersion.version, cells: ref.data.cells.length })}
      </p>
      <form className="admin-form wide" onSubmit={check} data-testid="grid-form">
        <label className="grow">
          {t('admin.grid.file')}
          <FilePick
            accept=".geojson,.json,application/geo+json,application/json"
            testId="grid-file"
            fileName={fileName}
            onFile={(f) => void onFile(f)}
          />
          <span className="muted small">{t('admin.grid.fileHelp')}</span>
        </label>
        <label>
          {t('admin.grid.version')}
          <input
            data-testid="grid-version"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            required
          />
        </label>
        <button type="submit" data-testid="grid-check" disabled={!document || preview.isPending}>
          {t('admin.grid.check')}
        </button>
      </form>
      {readError && (
        <p className="admin-error" role="alert" data-testid="admin-error">
          {readError}
        </p>
      )}
      <ErrorLine error={preview.error} />
      {preview.isPending && <p className="muted">{t('admin.grid.checking', { file: fileName })}</p>}
      {report && (
        <>
          <div className="grid-result">
            <GridReport report={report} />
            <GridDiffMap
              added={report.added}
              changed={report.changed}
              removed={report.removed}
              problemCells={problemCells}
              spots={spots}
            />
          </div>
          <div className="admin-form">
            <button
              type="button"
              className="primary"
              data-testid="grid-apply"
              disabled={!report.ok || commit.isPending}
              onClick={() => document && commit.mutate({ document, version })}
            >
              {t('admin.grid.apply', { version: report.version })}
            </button>
          </div>
        </>
      )}
      <ErrorLine error={commit.error} />
      {done && <OkLine>{done}</OkLine>}
    </div>
  );
}
