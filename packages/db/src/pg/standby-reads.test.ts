import { describe, expect, it } from 'vitest';
import type { CaseHistoryReads } from '../stores/case-store-port.ts';
import { standbyReads } from './standby-reads.ts';

/** A reader that answers `day` with its own name, or fails while `down`. */
function reader(name: string) {
  const r = {
    down: false,
    calls: 0,
    reads: {
      evaluate: async () => [],
      evaluateWithTotal: async () => ({ rows: [], total: null }),
      countDispatched: async () => [],
      dailyIntake: async () => {
        r.calls++;
        if (r.down) throw new Error(`${name} is down`);
        return [{ day: name, n: 1 }];
      },
    } satisfies CaseHistoryReads,
  };
  return r;
}

describe('standbyReads', () => {
  it('reads the standby, the primary when the standby fails, and the standby again after resting', async () => {
    const standby = reader('standby');
    const primary = reader('primary');
    let t = 0;
    const failures: unknown[] = [];
    const reads = standbyReads(standby.reads, primary.reads, {
      retryMs: 1000,
      now: () => t,
      onFallback: (e) => failures.push(e),
    });
    const day = async () => (await reads.dailyIntake('a', 'b'))[0]!.day;

    expect(await day()).toBe('standby');
    standby.down = true;
    expect(await day()).toBe('primary');
    expect(failures.map(String)).toEqual(['Error: standby is down']);
    // resting: the standby is not asked
    t = 999;
    expect(await day()).toBe('primary');
    expect(standby.calls).toBe(2);
    // back up, and the rest is over
    standby.down = false;
    t = 1000;
    expect(await day()).toBe('standby');
  });

  it('fails with the primary’s error when neither can answer', async () => {
    const standby = reader('standby');
    const primary = reader('primary');
    standby.down = primary.down = true;
    await expect(standbyReads(standby.reads, primary.reads).dailyIntake('a', 'b')).rejects.toThrow(
      'primary is down',
    );
  });
});
