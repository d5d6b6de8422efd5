import type { TFunction } from 'i18next';
import { LOCAL_TIME_ZONE } from '@citygrid/domain';

/** The office's time zone, from the working calendar's data. */
const BEIJING = LOCAL_TIME_ZONE;
const dtf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const tf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const df = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING,
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
/** `2026-11-24 09:30` in Beijing time. */
export const formatDateTime = (v: string | Date | null | undefined) =>
  v ? dtf.format(toDate(v)).replace(/\//g, '-') : '—';
export const formatShort = (v: string | Date | null | undefined) =>
  v ? df.format(toDate(v)).replace(/\//g, '-') : '—';
export const formatClock = (v: string | Date | null | undefined) => (v ? tf.format(toDate(v)) : '—');

/** `2天3小时` / `2小时15分` from a millisecond span (sign ignored). */
export function formatSpan(ms: number, t: TFunction): string {
  const totalMin = Math.floor(Math.abs(ms) / 60_000);
  if (totalMin < 1) return t('time.lessThanMinute');
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  if (d > 0) return `${t('time.d', { n: d })}${h > 0 ? t('time.h', { n: h }) : ''}`;
  if (h > 0) return `${t('time.h', { n: h })}${m > 0 ? t('time.m', { n: m }) : ''}`;
  return t('time.m', { n: m });
}

/** `剩余 2小时15分` or `超期 1天3小时`. */
export function formatRemaining(remainingMs: number | null, t: TFunction): string {
  if (remainingMs === null) return '—';
  return remainingMs < 0
    ? t('time.overdue', { t: formatSpan(remainingMs, t) })
    : t('time.remaining', { t: formatSpan(remainingMs, t) });
}

export const formatPercent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
