import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getDefaultWorkCalendar } from './default-calendar.ts';
import { computeTrafficLight, extendDeadline, trafficLightOf } from './traffic-light.ts';
import type { TrafficLight } from './traffic-light.ts';
import type { TimeLimit } from './work-calendar.ts';

const HOUR_MS = 3_600_000;
const bj = (local: string): Date => new Date(`${local.replace(' ', 'T')}+08:00`);
const calendar = getDefaultWorkCalendar();

describe('the traffic light in working time', () => {
  // Dispatched Tue 2025-03-04 10:00 with 10 working hours: 5.5 h on Tuesday, 3.5 h Wednesday morning, 1 h after lunch.
  const start = bj('2025-03-04 10:00');
  const limit: TimeLimit = { amount: 10, unit: 'working_hours' };
  const due = calendar.addTimeLimit(start, limit);
  const light = (now: string) =>
    computeTrafficLight({ start, due, now: bj(now), limitUnit: limit.unit, calendar });

  it('puts the due time where the working calendar says', () => {
    expect(due).toEqual(bj('2025-03-05 15:30'));
  });

  it('is green under 80 % of the working time used', () => {
    expect(light('2025-03-04 10:00')).toEqual({ light: 'green', usedFraction: 0, remainingMs: 10 * HOUR_MS });
    // Tue 10:00–12:00 and 14:30–18:00 = 5.5 h used.
    expect(light('2025-03-04 20:00')).toMatchObject({
      light: 'green',
      usedFraction: 0.55,
      remainingMs: 4.5 * HOUR_MS,
    });
  });

  it('does not use time up overnight or over lunch', () => {
    expect(light('2025-03-05 08:00').usedFraction).toBe(0.55);
    expect(light('2025-03-05 13:00').usedFraction).toBe(0.9);
  });

  it('turns yellow at exactly 80 % used and stays yellow up to the due instant', () => {
    // 8 h used at Wed 11:00.
    expect(light('2025-03-05 11:00')).toMatchObject({
      light: 'yellow',
      usedFraction: 0.8,
      remainingMs: 2 * HOUR_MS,
    });
    expect(light('2025-03-05 15:30')).toMatchObject({ light: 'yellow', usedFraction: 1, remainingMs: 0 });
  });

  it('turns red as soon as the due instant has passed, with the overdue time negative', () => {
    expect(light('2025-03-05 15:30:00.001')).toMatchObject({ light: 'red', remainingMs: -1 });
    expect(light('2025-03-06 09:30')).toMatchObject({ light: 'red', remainingMs: -3.5 * HOUR_MS });
  });

  it('is red but shows no extra working time overdue outside working hours', () => {
    const lateStart = bj('2025-03-04 17:00');
    const lateDue = calendar.addTimeLimit(lateStart, { amount: 1, unit: 'working_hours' }); // 18:00
    const result = computeTrafficLight({
      start: lateStart,
      due: lateDue,
      now: bj('2025-03-04 21:00'),
      limitUnit: 'working_hours',
      calendar,
    });
    expect(result).toEqual({ light: 'red', usedFraction: 1, remainingMs: 0 });
  });
});

describe('the traffic light in calendar hours', () => {
  it('measures wall time, ignoring nights and holidays', () => {
    const start = bj('2025-10-01 20:00'); // National Day
    const due = calendar.addTimeLimit(start, { amount: 10, unit: 'calendar_hours' });
    const at = (now: string) =>
      computeTrafficLight({ start, due, now: bj(now), limitUnit: 'calendar_hours', calendar });
    expect(at('2025-10-02 03:00')).toMatchObject({
      light: 'green',
      usedFraction: 0.7,
      remainingMs: 3 * HOUR_MS,
    });
    expect(at('2025-10-02 04:00')).toMatchObject({ light: 'yellow', usedFraction: 0.8 });
    expect(at('2025-10-02 07:00')).toMatchObject({
      light: 'red',
      usedFraction: 1.1,
      remainingMs: -1 * HOUR_MS,
    });
  });

  it('is green before the clock starts', () => {
    const start = bj('2025-10-01 20:00');
    const due = bj('2025-10-01 21:00');
    expect(
      computeTrafficLight({ start, due, now: bj('2025-10-01 19:00'), limitUnit: 'calendar_hours', calendar }),
    ).toMatchObject({
      light: 'green',
      usedFraction: 0,
    });
  });
});

describe('extending a deadline', () => {
  it('counts the extension from the old due time', () => {
    expect(extendDeadline(bj('2025-03-04 18:00'), { amount: 2, unit: 'working_hours' }, calendar)).toEqual(
      bj('2025-03-05 10:30'),
    );
    expect(extendDeadline(bj('2025-09-30 16:00'), { amount: 1, unit: 'working_days' }, calendar)).toEqual(
      bj('2025-10-09 16:00'),
    );
    expect(extendDeadline(bj('2025-03-04 18:00'), { amount: 24, unit: 'calendar_hours' }, calendar)).toEqual(
      bj('2025-03-05 18:00'),
    );
  });
});

describe('traffic light properties', () => {
  const RANGE_START = bj('2025-01-01 00:00').getTime();
  const RANGE_END = bj('2027-12-31 23:59').getTime();
  const arbLimit: fc.Arbitrary<TimeLimit> = fc.oneof(
    fc.integer({ min: 1, max: 400 }).map((q) => ({ amount: q / 4, unit: 'working_hours' as const })),
    fc.integer({ min: 1, max: 20 }).map((n) => ({ amount: n, unit: 'working_days' as const })),
    fc.integer({ min: 1, max: 200 }).map((h) => ({ amount: h, unit: 'calendar_hours' as const })),
  );
  const rank: Record<TrafficLight, number> = { green: 0, yellow: 1, red: 2 };

  it('moves only green → yellow → red as now advances, and is red iff now > due', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: RANGE_START, max: RANGE_END }),
        arbLimit,
        fc.array(fc.integer({ min: -2 * 24 * HOUR_MS, max: 60 * 24 * HOUR_MS }), {
          minLength: 2,
          maxLength: 30,
        }),
        (startMs, limit, offsets) => {
          const start = new Date(startMs);
          const due = calendar.addTimeLimit(start, limit);
          const nows = [...offsets.map((o) => startMs + o), due.getTime(), due.getTime() + 1].sort(
            (a, b) => a - b,
          );
          let previous = -1;
          for (const nowMs of nows) {
            const result = computeTrafficLight({
              start,
              due,
              now: new Date(nowMs),
              limitUnit: limit.unit,
              calendar,
            });
            expect(rank[result.light]).toBeGreaterThanOrEqual(previous);
            previous = rank[result.light];
            expect(result.light === 'red').toBe(nowMs > due.getTime());
            if (result.light === 'green') expect(result.usedFraction).toBeLessThan(0.8);
            if (result.light === 'yellow') {
              expect(result.usedFraction).toBeGreaterThanOrEqual(0.8);
              expect(result.usedFraction).toBeLessThanOrEqual(1);
            }
            if (result.light !== 'red') expect(result.remainingMs).toBeGreaterThanOrEqual(0);
            else expect(result.remainingMs).toBeLessThanOrEqual(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('trafficLightOf, the light alone', () => {
  it("is computeTrafficLight's light for any start, due, now and unit", () => {
    const base = bj('2025-09-26 09:00').getTime(); // the week before the National Day holiday
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 * 24 * 60 }),
        fc.integer({ min: -24 * 60, max: 20 * 24 * 60 }),
        fc.integer({ min: -2 * 24 * 60, max: 40 * 24 * 60 }),
        fc.constantFrom('working_hours', 'working_days', 'calendar_hours' as const),
        (startMin, dueAfterMin, nowAfterMin, limitUnit) => {
          const start = new Date(base + startMin * 60_000);
          const due = new Date(start.getTime() + dueAfterMin * 60_000);
          const now = new Date(start.getTime() + nowAfterMin * 60_000);
          const input = { start, due, now, limitUnit, calendar };
          expect(trafficLightOf(input)).toBe(computeTrafficLight(input).light);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses an invalid date, naming it', () => {
    expect(() =>
      trafficLightOf({
        start: new Date(NaN),
        due: new Date(),
        now: new Date(),
        limitUnit: 'calendar_hours',
        calendar,
      }),
    ).toThrow(/start/);
  });
});
