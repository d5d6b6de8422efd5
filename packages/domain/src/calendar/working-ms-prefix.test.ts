import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getDefaultWorkCalendar } from './default-calendar.ts';

const cal = getDefaultWorkCalendar();
const DAY = 86_400_000;

describe('working time over long spans', () => {
  it('equals the sum of the same span measured one day at a time', () => {
    const from = Date.UTC(2024, 11, 1);
    const to = Date.UTC(2027, 11, 31);
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 400 * DAY }), (a, span) => {
        const b = a + span;
        let chunked = 0;
        for (let t = a; t < b; t += DAY / 2)
          chunked += cal.workingMsBetween(new Date(t), new Date(Math.min(t + DAY / 2, b)));
        expect(cal.workingMsBetween(new Date(a), new Date(b))).toBe(chunked);
      }),
      { numRuns: 200 },
    );
  });
});
