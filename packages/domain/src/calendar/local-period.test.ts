import { describe, expect, it } from 'vitest';
import { localPeriodRange } from './local-period.ts';

describe('localPeriodRange', () => {
  // 2026-12-01 07:30 Beijing is still 2026-11-30 23:30 UTC
  const earlyDecember = new Date('2026-11-30T23:30:00Z');

  it('counts this month from the local first of the month, through the end of the local today', () => {
    expect(localPeriodRange('thisMonth', earlyDecember)).toEqual({
      from: '2026-11-30T16:00:00.000Z',
      to: '2026-12-01T16:00:00.000Z',
    });
  });

  it('gives last month as the whole previous local month, across a year end', () => {
    expect(localPeriodRange('lastMonth', earlyDecember)).toEqual({
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-30T16:00:00.000Z',
    });
    expect(localPeriodRange('lastMonth', new Date('2027-01-10T04:00:00Z'))).toEqual({
      from: '2026-11-30T16:00:00.000Z',
      to: '2026-12-31T16:00:00.000Z',
    });
  });

  it('makes the last 30 days exactly 30 local days ending with today', () => {
    const r = localPeriodRange('last30', earlyDecember);
    expect(r).toEqual({ from: '2026-11-01T16:00:00.000Z', to: '2026-12-01T16:00:00.000Z' });
    expect((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000).toBe(30);
  });

  it('starts this year at the local new year', () => {
    expect(localPeriodRange('thisYear', new Date('2026-12-31T16:30:00Z'))).toEqual({
      from: '2026-12-31T16:00:00.000Z',
      to: '2027-01-01T16:00:00.000Z',
    });
  });

  it('follows the offset it is given', () => {
    expect(localPeriodRange('thisMonth', new Date('2026-11-30T23:30:00Z'), 0)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
  });
});
