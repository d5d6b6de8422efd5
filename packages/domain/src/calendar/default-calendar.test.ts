import { describe, expect, it } from 'vitest';
import { defaultCalendarData, getDefaultWorkCalendar } from './default-calendar.ts';

const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('the shipped Xilinhot calendar data', () => {
  it('builds a valid calendar in Beijing time with a 7-hour working day', () => {
    const calendar = getDefaultWorkCalendar();
    expect(calendar.utcOffsetMinutes).toBe(480);
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    expect(calendar.workingDayMs).toBe(7 * 3_600_000);
  });

  it('covers 2025, 2026 and 2027', () => {
    expect(Object.keys(defaultCalendarData.years).sort()).toEqual(['2025', '2026', '2027']);
  });

  it('lists only weekend days as make-up working days', () => {
    for (const year of Object.values(defaultCalendarData.years)) {
      for (const { date } of year.makeUpWorkdays) expect([0, 6], date).toContain(weekdayOf(date));
    }
  });

  it('matches the State Council arrangement for 2025: 27 listed days off and 5 make-up days', () => {
    const year = defaultCalendarData.years['2025']!;
    expect(year.holidays).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
    expect(year.makeUpWorkdays.map((d) => d.date)).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
  });

  it('puts each statutory lunar holiday of 2027 inside its provisional break', () => {
    const days = new Set(defaultCalendarData.years['2027']!.holidays.map((d) => d.date));
    for (const date of ['2027-02-06', '2027-04-05', '2027-06-09', '2027-09-15', '2027-10-01'])
      expect(days.has(date), date).toBe(true);
  });
});
