import { describe, expect, it } from 'vitest';
import { reportPeriods } from './report-service.ts';

describe('report periods (Beijing calendar days)', () => {
  it('a finished month is compared with the month before and the same month a year earlier', () => {
    const p = reportPeriods('monthly', '2026-10-15', undefined, new Date('2026-11-24T01:00:00Z'));
    expect(p.partial).toBe(false);
    expect([p.period.label, p.previous.label, p.lastYear.label]).toEqual([
      '2026-10-01 — 2026-10-31',
      '2026-09-01 — 2026-09-30',
      '2025-10-01 — 2025-10-31',
    ]);
    expect(p.period.from).toBe('2026-09-30T16:00:00.000Z');
  });

  it('a week runs Monday to Sunday; a year earlier is the same week 52 weeks back', () => {
    const p = reportPeriods('weekly', '2026-11-26'); // a Thursday
    expect([p.period.label, p.previous.label, p.lastYear.label]).toEqual([
      '2026-11-23 — 2026-11-29',
      '2026-11-16 — 2026-11-22',
      '2025-11-24 — 2025-11-30',
    ]);
  });

  it('a day is compared with the day before and the same date last year; 29 February falls back to the 28th', () => {
    const p = reportPeriods('daily', '2028-02-29');
    expect([p.period.label, p.previous.label, p.lastYear.label]).toEqual([
      '2028-02-29 — 2028-02-29',
      '2028-02-28 — 2028-02-28',
      '2027-02-28 — 2027-02-28',
    ]);
  });

  it('any period is compared with the same number of days just before it', () => {
    const p = reportPeriods('custom', '2026-11-10', '2026-11-19');
    expect([p.period.label, p.previous.label, p.lastYear.label]).toEqual([
      '2026-11-10 — 2026-11-19',
      '2026-10-31 — 2026-11-09',
      '2025-11-10 — 2025-11-19',
    ]);
  });

  it('a running period is cut to today and compared over the same number of days', () => {
    const p = reportPeriods('monthly', '2026-12-02', undefined, new Date('2026-12-02T03:00:00Z'));
    expect(p.partial).toBe(true);
    expect([p.period.label, p.previous.label, p.lastYear.label]).toEqual([
      '2026-12-01 — 2026-12-02',
      '2026-11-01 — 2026-11-02',
      '2025-12-01 — 2025-12-02',
    ]);
  });

  it('refuses bad dates naming the field', () => {
    expect(() => reportPeriods('daily', '2026-13-40')).toThrow(/date/);
    expect(() => reportPeriods('custom', '2026-11-10', '2026-11-01')).toThrow(/to/);
    expect(() => reportPeriods('custom', '2026-11-10')).toThrow(/to/);
  });
});
