import { useTranslation } from 'react-i18next';

/** A file input with its button and "no file" text from the message files (not the browser's own). */
export function FilePick({
  accept,
  testId,
  fileName,
  onFile,
}: {
  accept: string;
  testId: string;
  fileName: string;
  onFile: (f: File | undefined) => void;
}) {
  const { t } = useTranslation();
  return (
    <span className="file-pick">
      <input type="file" accept={accept} data-testid={testId} onChange={(e) => onFile(e.target.files?.[0])} />
      <span className="button" aria-hidden="true">
        {t('admin.file.choose')}
      </span>
      <span className="file-name">{fileName || t('admin.file.none')}</span>
    </span>
  );
}
