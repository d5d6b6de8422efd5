import { describe, expect, it } from 'vitest';
import { lightAsOf } from './light-as-of.ts';

describe('lightAsOf', () => {
  const due = '2026-11-24T02:00:00.000Z';

  it("keeps the server's light and working time left before the deadline", () => {
    expect(
      lightAsOf({ light: 'yellow', remainingMs: 600_000, dueAt: due }, new Date('2026-11-24T01:50:00Z')),
    ).toEqual({ light: 'yellow', remainingMs: 600_000 });
    expect(lightAsOf({ light: 'yellow', remainingMs: 0, dueAt: due }, new Date(due))).toEqual({
      light: 'yellow',
      remainingMs: 0,
    });
  });

  it('turns red the moment the deadline passes, counting wall-clock time since it', () => {
    expect(
      lightAsOf({ light: 'yellow', remainingMs: 600_000, dueAt: due }, new Date('2026-11-24T03:30:00Z')),
    ).toEqual({ light: 'red', remainingMs: -90 * 60_000 });
  });

  it('never gives a light to a case that shows none', () => {
    expect(
      lightAsOf({ light: null, remainingMs: null, dueAt: due }, new Date('2026-11-25T00:00:00Z')),
    ).toEqual({ light: null, remainingMs: null });
    expect(
      lightAsOf({ light: 'green', remainingMs: 5, dueAt: null }, new Date('2026-11-25T00:00:00Z')),
    ).toEqual({ light: 'green', remainingMs: 5 });
  });
});
