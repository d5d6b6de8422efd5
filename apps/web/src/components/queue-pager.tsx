import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A search box that reports its trimmed text after the person stops typing (searched server-side over the whole queue). */
export function QueueSearch({ onSearch }: { onSearch: (text: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const report = useRef(onSearch);
  useEffect(() => {
    report.current = onSearch;
  }, [onSearch]);
  useEffect(() => {
    const id = setTimeout(() => report.current(text.trim()), 250);
    return () => clearTimeout(id);
  }, [text]);
  return (
    <input
      type="search"
      className="queue-search"
      placeholder={t('queue.search')}
      aria-label={t('queue.search')}
      value={text}
      onChange={(e) => setText(e.target.value)}
      data-testid="queue-search"
    />
  );
}

/** "1–50 of 2,977" with first / previous / next / last page buttons. */
export function QueuePager({
  total,
  offset,
  pageSize,
  onOffset,
}: {
  total: number;
  offset: number;
  pageSize: number;
  onOffset: (offset: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.NumberFormat(i18n.language === 'en' ? 'en' : 'zh-CN');
  const lastOffset = total > 0 ? Math.floor((total - 1) / pageSize) * pageSize : 0;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + pageSize, total);
  return (
    <div className="queue-pager" data-testid="queue-pager">
      <span className="muted small num" data-testid="queue-range">
        {t('queue.range', { from: fmt.format(from), to: fmt.format(to), total: fmt.format(total) })}
      </span>
      <button
        type="button"
        className="ghost"
        disabled={offset <= 0}
        onClick={() => onOffset(0)}
        data-testid="page-first"
        aria-label={t('queue.firstPage')}
        title={t('queue.firstPage')}
      >
        «
      </button>
      <button
        type="button"
        className="ghost"
        disabled={offset <= 0}
        onClick={() => onOffset(Math.max(0, offset - pageSize))}
        data-testid="page-prev"
        aria-label={t('queue.prevPage')}
        title={t('queue.prevPage')}
      >
        ‹
      </button>
      <button
        type="button"
        className="ghost"
        disabled={offset >= lastOffset}
        onClick={() => onOffset(offset + pageSize)}
        data-testid="page-next"
        aria-label={t('queue.nextPage')}
        title={t('queue.nextPage')}
      >
        ›
      </button>
      <button
        type="button"
        className="ghost"
        disabled={offset >= lastOffset}
        onClick={() => onOffset(lastOffset)}
        data-testid="page-last"
        aria-label={t('queue.lastPage')}
        title={t('queue.lastPage')}
      >
        »
      </button>
    </div>
  );
}

/** Keep the offset inside the queue when it shrinks (cases leave it as people act on them). */
export function clampOffset(offset: number, total: number | undefined, pageSize: number): number {
  if (total === undefined || offset < total) return offset;
  return total > 0 ? Math.floor((total - 1) / pageSize) * pageSize : 0;
}
