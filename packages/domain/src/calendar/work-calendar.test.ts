import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { getDefaultWorkCalendar, defaultCalendarData } from './default-calendar.ts';
import { createWorkCalendar } from './work-calendar.ts';
import type { TimeLimit, WorkCalendarData } from './work-calendar.ts';

const HOUR_MS = 3_600_000;
/** Beijing local time, "YYYY-MM-DD HH:MM[:SS]". */
const bj = (local: string): Date => new Date(`${local.replace(' ', 'T')}+08:00`);
/** Formats an instant as Beijing local "YYYY-MM-DD HH:MM". */
const fmt = (d: Date): string =>
  new Date(d.getTime() + 8 * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');

const calendar = getDefaultWorkCalendar();
const due = (start: string, amount: number, unit: TimeLimit['unit']): string =>
  fmt(calendar.addTimeLimit(bj(start), { amount, unit }));

const catchError = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};
const expectBadInput = (fn: () => unknown, field: string): void => {
  const error = catchError(fn);
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code: 'BAD_INPUT', details: { field } });
};

describe('working days', () => {
  it('treats weekdays as working and weekends as off', () => {
    expect(calendar.isWorkingDay(bj('2025-03-05 10:00'))).toBe(true); // Wednesday
    expect(calendar.isWorkingDay(bj('2025-03-08 10:00'))).toBe(false); // Saturday
    expect(calendar.isWorkingDay(bj('2025-03-09 10:00'))).toBe(false); // Sunday
  });

  it('judges the day in Beijing time, not UTC', () => {
    // 2025-03-07T23:30Z is Saturday 07:30 in Beijing.
    expect(calendar.isWorkingDay(new Date('2025-03-07T23:30:00Z'))).toBe(false);
    // 2025-03-09T16:30Z is Monday 00:30 in Beijing.
    expect(calendar.isWorkingDay(new Date('2025-03-09T16:30:00Z'))).toBe(true);
  });

  it('makes public holidays days off even on weekdays', () => {
    expect(calendar.isWorkingDay(bj('2025-01-01 10:00'))).toBe(false);
    expect(calendar.isWorkingDay(bj('2025-10-08 10:00'))).toBe(false); // Wednesday, National Day week
    expect(calendar.isWorkingDay(bj('2026-02-23 10:00'))).toBe(false); // Monday, Spring Festival 2026
  });

  it('counts make-up weekend days as working days', () => {
    expect(calendar.isWorkingDay(bj('2025-01-26 10:00'))).toBe(true); // Sunday
    expect(calendar.isWorkingDay(bj('2025-09-28 10:00'))).toBe(true); // Sunday
    expect(calendar.isWorkingDay(bj('2026-02-14 10:00'))).toBe(true); // Saturday
  });

  it('treats only weekends as off outside the years in the data', () => {
    expect(calendar.isWorkingDay(bj('2024-10-01 10:00'))).toBe(true); // no 2024 data: a plain Tuesday
    expect(calendar.isWorkingDay(bj('2028-01-03 10:00'))).toBe(true); // Monday
    expect(calendar.isWorkingDay(bj('2028-01-01 10:00'))).toBe(false); // Saturday
    expect(due('2028-01-07 17:00', 2, 'working_hours')).toBe('2028-01-10 09:30');
  });
});

describe('working time', () => {
  it('includes a period start and excludes a period end', () => {
    expect(calendar.isWorkingTime(bj('2025-03-05 08:30'))).toBe(true);
    expect(calendar.isWorkingTime(bj('2025-03-05 11:59:59.999'))).toBe(true);
    expect(calendar.isWorkingTime(bj('2025-03-05 12:00'))).toBe(false);
    expect(calendar.isWorkingTime(bj('2025-03-05 13:00'))).toBe(false);
    expect(calendar.isWorkingTime(bj('2025-03-05 14:30'))).toBe(true);
    expect(calendar.isWorkingTime(bj('2025-03-05 18:00'))).toBe(false);
    expect(calendar.isWorkingTime(bj('2025-03-05 08:29'))).toBe(false);
  });

  it('is never working time on a day off', () => {
    expect(calendar.isWorkingTime(bj('2025-03-08 10:00'))).toBe(false);
    expect(calendar.isWorkingTime(bj('2025-10-03 10:00'))).toBe(false);
  });

  it('measures working time between two instants', () => {
    expect(calendar.workingMsBetween(bj('2025-03-05 07:00'), bj('2025-03-05 20:00'))).toBe(7 * HOUR_MS);
    expect(calendar.workingMsBetween(bj('2025-03-05 11:00'), bj('2025-03-05 15:00'))).toBe(1.5 * HOUR_MS);
    // Mon 00:00 to next Mon 00:00: five working days.
    expect(calendar.workingMsBetween(bj('2025-03-03 00:00'), bj('2025-03-10 00:00'))).toBe(35 * HOUR_MS);
    expect(calendar.workingMsBetween(bj('2025-10-01 00:00'), bj('2025-10-09 00:00'))).toBe(0);
  });

  it('measures zero working time when the end is not after the start', () => {
    expect(calendar.workingMsBetween(bj('2025-03-05 10:00'), bj('2025-03-05 10:00'))).toBe(0);
    expect(calendar.workingMsBetween(bj('2025-03-05 11:00'), bj('2025-03-05 10:00'))).toBe(0);
  });
});

describe('deadlines in working hours', () => {
  it('carries a case filed Friday 17:00 with 2 working hours to Monday 09:30', () => {
    expect(due('2025-03-07 17:00', 2, 'working_hours')).toBe('2025-03-10 09:30');
  });

  it('carries a case filed at 17:30 with 2 working hours to 10:00 the next working day', () => {
    expect(due('2025-03-04 17:30', 2, 'working_hours')).toBe('2025-03-05 10:00');
  });

  it('skips the lunch break', () => {
    expect(due('2025-03-05 11:00', 2, 'working_hours')).toBe('2025-03-05 15:30');
  });

  it('starts counting at the next period start when filed outside working time', () => {
    expect(due('2025-03-05 06:00', 1, 'working_hours')).toBe('2025-03-05 09:30');
    expect(due('2025-03-05 13:00', 1, 'working_hours')).toBe('2025-03-05 15:30');
    expect(due('2025-03-08 10:00', 2, 'working_hours')).toBe('2025-03-10 10:30'); // Saturday
  });

  it('keeps a due time that lands exactly on a period end there', () => {
    expect(due('2025-03-05 08:30', 3.5, 'working_hours')).toBe('2025-03-05 12:00');
    expect(due('2025-03-05 12:00', 3.5, 'working_hours')).toBe('2025-03-05 18:00');
    expect(due('2025-03-07 17:00', 1, 'working_hours')).toBe('2025-03-07 18:00');
  });

  it('returns the start unchanged for a zero limit', () => {
    expect(due('2025-03-08 10:00', 0, 'working_hours')).toBe('2025-03-08 10:00');
  });

  it('works through the make-up Saturday the day before Spring Festival 2026 and then skips the holiday', () => {
    expect(due('2026-02-13 17:00', 2, 'working_hours')).toBe('2026-02-14 09:30'); // make-up Saturday
    expect(due('2026-02-14 17:00', 2, 'working_hours')).toBe('2026-02-24 09:30'); // Feb 15–23 off
  });
});

describe('deadlines in working days', () => {
  it('gives Wednesday 10:00 for one working day from Tuesday 10:00', () => {
    expect(due('2025-03-04 10:00', 1, 'working_days')).toBe('2025-03-05 10:00');
  });

  it('keeps the same working-time position N working days later', () => {
    expect(due('2025-03-04 15:00', 3, 'working_days')).toBe('2025-03-07 15:00');
    expect(due('2025-03-04 12:00', 1, 'working_days')).toBe('2025-03-05 12:00');
  });

  it('counts from Monday 08:30 for a case filed on Saturday', () => {
    expect(due('2025-03-08 10:00', 1, 'working_days')).toBe('2025-03-10 18:00');
    expect(due('2025-03-08 10:00', 2, 'working_days')).toBe('2025-03-11 18:00');
  });

  it('skips the whole National Day week', () => {
    expect(due('2025-09-30 16:00', 1, 'working_days')).toBe('2025-10-09 16:00');
  });

  it('counts the make-up Saturday after National Day 2025', () => {
    expect(due('2025-10-10 10:00', 1, 'working_days')).toBe('2025-10-11 10:00');
  });

  it('computes 20 working days quickly, across New Year and its make-up Sunday', () => {
    const started = performance.now();
    for (let i = 0; i < 1000; i += 1)
      calendar.addTimeLimit(bj('2025-12-20 10:00'), { amount: 20, unit: 'working_days' });
    expect(performance.now() - started).toBeLessThan(1000);
    // 2025-12-22 .. 2026-01-20, skipping New Year Jan 1–3 and counting make-up Sunday Jan 4.
    expect(due('2025-12-20 10:00', 20, 'working_days')).toBe('2026-01-19 18:00');
  });
});

describe('deadlines in calendar hours', () => {
  it('ignores the working calendar', () => {
    expect(due('2025-10-01 22:00', 6, 'calendar_hours')).toBe('2025-10-02 04:00');
    expect(due('2025-03-07 17:00', 2, 'calendar_hours')).toBe('2025-03-07 19:00');
  });
});

describe('input validation', () => {
  const withData = (patch: (d: WorkCalendarData) => void): (() => unknown) => {
    const copy = structuredClone(defaultCalendarData);
    patch(copy);
    return () => createWorkCalendar(copy);
  };

  it('rejects an impossible holiday date, naming the field', () => {
    expectBadInput(
      withData((d) => {
        d.years['2025']!.holidays[0]!.date = '2025-02-30';
      }),
      'years.2025.holidays[0].date',
    );
  });

  it('rejects a holiday filed under the wrong year', () => {
    expectBadInput(
      withData((d) => {
        d.years['2025']!.makeUpWorkdays[1]!.date = '2026-02-08';
      }),
      'years.2025.makeUpWorkdays[1].date',
    );
  });

  it('rejects a day that is both a holiday and a make-up working day', () => {
    expectBadInput(
      withData((d) => {
        d.years['2025']!.makeUpWorkdays.push({ date: '2025-10-03', name: 'clash' });
      }),
      'years',
    );
  });

  it('rejects a working period that ends before it starts or overlaps another', () => {
    expectBadInput(
      withData((d) => {
        d.workingPeriods[0] = { start: '12:00', end: '08:30' };
      }),
      'workingPeriods[0].end',
    );
    expectBadInput(
      withData((d) => {
        d.workingPeriods[1] = { start: '11:00', end: '18:00' };
      }),
      'workingPeriods[1].start',
    );
    expectBadInput(
      withData((d) => {
        d.workingPeriods[0] = { start: '8:30', end: '12:00' };
      }),
      'workingPeriods[0].start',
    );
    expectBadInput(
      withData((d) => {
        d.workingPeriods = [];
      }),
      'workingPeriods',
    );
  });

  it('rejects a bad UTC offset', () => {
    expectBadInput(
      withData((d) => {
        d.utcOffsetMinutes = 8.5;
      }),
      'utcOffsetMinutes',
    );
  });

  it('rejects negative amounts, unknown units and invalid dates', () => {
    expectBadInput(
      () => calendar.addTimeLimit(bj('2025-03-05 10:00'), { amount: -1, unit: 'working_hours' }),
      'limit.amount',
    );
    expectBadInput(
      () => calendar.addTimeLimit(bj('2025-03-05 10:00'), { amount: 1, unit: 'weeks' as TimeLimit['unit'] }),
      'limit.unit',
    );
    expectBadInput(
      () => calendar.addTimeLimit(new Date(Number.NaN), { amount: 1, unit: 'working_hours' }),
      'start',
    );
    expectBadInput(() => calendar.isWorkingDay(new Date('nope')), 'date');
  });
});

describe('properties over 2025–2027', () => {
  const RANGE_START = bj('2025-01-01 00:00').getTime();
  const RANGE_END = bj('2027-12-31 23:59').getTime();
  const arbInstant = fc.integer({ min: RANGE_START, max: RANGE_END }).map((ms) => new Date(ms));
  // Quarter-hour steps up to 120 working hours, or up to 25 working days.
  const arbWorkingLimit: fc.Arbitrary<TimeLimit> = fc.oneof(
    fc.integer({ min: 1, max: 480 }).map((q) => ({ amount: q / 4, unit: 'working_hours' as const })),
    fc.integer({ min: 1, max: 25 }).map((n) => ({ amount: n, unit: 'working_days' as const })),
  );
  const arbAnyLimit: fc.Arbitrary<TimeLimit> = fc.oneof(
    arbWorkingLimit,
    fc.integer({ min: 0, max: 200 }).map((h) => ({ amount: h, unit: 'calendar_hours' as const })),
  );

  it('never moves the deadline earlier when the start moves later', () => {
    fc.assert(
      fc.property(arbInstant, arbInstant, arbAnyLimit, (x, y, limit) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        expect(calendar.addTimeLimit(a, limit).getTime()).toBeLessThanOrEqual(
          calendar.addTimeLimit(b, limit).getTime(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never moves the deadline earlier when the amount grows', () => {
    fc.assert(
      fc.property(arbInstant, arbAnyLimit, fc.integer({ min: 0, max: 40 }), (start, limit, extraQuarters) => {
        const bigger = { ...limit, amount: limit.amount + extraQuarters / 4 };
        expect(calendar.addTimeLimit(start, limit).getTime()).toBeLessThanOrEqual(
          calendar.addTimeLimit(start, bigger).getTime(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('puts a working-unit deadline inside working time or exactly at a period end', () => {
    fc.assert(
      fc.property(arbInstant, arbWorkingLimit, (start, limit) => {
        const d = calendar.addTimeLimit(start, limit);
        const atPeriodEnd = !calendar.isWorkingTime(d) && calendar.isWorkingTime(new Date(d.getTime() - 1));
        expect(calendar.isWorkingTime(d) || atPeriodEnd).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('elapses exactly the limit in working time between the start and the deadline', () => {
    fc.assert(
      fc.property(arbInstant, arbWorkingLimit, (start, limit) => {
        const expected =
          limit.unit === 'working_hours' ? limit.amount * HOUR_MS : limit.amount * calendar.workingDayMs;
        expect(calendar.workingMsBetween(start, calendar.addTimeLimit(start, limit))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the earliest such instant: one millisecond earlier is not enough', () => {
    fc.assert(
      fc.property(arbInstant, arbWorkingLimit, (start, limit) => {
        const d = calendar.addTimeLimit(start, limit);
        const expected = calendar.workingMsBetween(start, d);
        expect(calendar.workingMsBetween(start, new Date(d.getTime() - 1))).toBeLessThan(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('adds working time piecewise: due(due(s, a), b) = due(s, a + b) for working hours', () => {
    fc.assert(
      fc.property(
        arbInstant,
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        (start, qa, qb) => {
          const a = calendar.addTimeLimit(start, { amount: qa / 4, unit: 'working_hours' });
          const chained = calendar.addTimeLimit(a, { amount: qb / 4, unit: 'working_hours' });
          const direct = calendar.addTimeLimit(start, { amount: (qa + qb) / 4, unit: 'working_hours' });
          // Chaining from a period end restarts at the next period start; both give the same working time.
          expect(calendar.workingMsBetween(start, chained)).toBe(calendar.workingMsBetween(start, direct));
          expect(chained.getTime()).toBeGreaterThanOrEqual(direct.getTime());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps calendar hours equal to wall-clock hours', () => {
    fc.assert(
      fc.property(arbInstant, fc.integer({ min: 0, max: 500 }), (start, h) => {
        expect(
          calendar.addTimeLimit(start, { amount: h, unit: 'calendar_hours' }).getTime() - start.getTime(),
        ).toBe(h * HOUR_MS);
      }),
    );
  });
});
