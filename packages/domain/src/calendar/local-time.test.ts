import { describe, expect, it } from 'vitest';
import { defaultCalendarData } from './default-calendar.ts';
import {
  formatUtcOffset,
  instantOfLocal,
  LOCAL_TIME_ZONE,
  LOCAL_UTC_OFFSET_MINUTES,
  localDate,
  localDayStart,
  localWallClock,
  toLocalIso,
} from './local-time.ts';

describe('local-day arithmetic from the calendar', () => {
  it('takes the offset and the zone from the calendar data', () => {
    expect(LOCAL_UTC_OFFSET_MINUTES).toBe(defaultCalendarData.utcOffsetMinutes);
    expect(LOCAL_TIME_ZONE).toBe(defaultCalendarData.timeZone);
  });

  it('starts the Beijing day at 16:00 UTC of the day before', () => {
    // 2026-11-24 01:30 Beijing = 2026-11-23 17:30 UTC
    expect(localDayStart(new Date('2026-11-23T17:30:00Z')).toISOString()).toBe('2026-11-23T16:00:00.000Z');
    // 2026-11-23 23:59 Beijing = 15:59 UTC: still the 23rd
    expect(localDayStart('2026-11-23T15:59:00Z').toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(localDayStart('2026-11-23T16:00:00Z').toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('names the local date, which differs from the UTC date in the evening (UTC)', () => {
    expect(localDate('2026-11-23T16:00:00Z')).toBe('2026-11-24');
    expect(localDate('2026-11-23T15:59:59Z')).toBe('2026-11-23');
  });

  it('reads and builds local wall-clock times', () => {
    expect(localWallClock('2026-11-24T01:15:00Z').getUTCHours()).toBe(9);
    expect(instantOfLocal(2026, 10, 24, 9, 15).toISOString()).toBe('2026-11-24T01:15:00.000Z');
    // month and day overflow as Date.UTC does
    expect(instantOfLocal(2026, 0, 0).toISOString()).toBe('2025-12-30T16:00:00.000Z');
  });

  it('writes offset-stamped ISO text', () => {
    expect(toLocalIso('2026-11-24T02:15:00.123Z')).toBe('2026-11-24T10:15:00+08:00');
    expect(formatUtcOffset(-150)).toBe('-02:30');
    expect(toLocalIso('2026-11-24T02:15:00Z', -150)).toBe('2026-11-23T23:45:00-02:30');
  });
});
