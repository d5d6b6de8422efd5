import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';

const MODULE = fileURLToPath(new URL('./gc-marking.ts', import.meta.url));

/** Major-GC marking tasks V8 ran on helper threads in a child that applies `mode` and churns its old generation. */
function concurrentMarkingTasks(mode: string): number {
  const script = `
    import { applyGcMarking } from ${JSON.stringify(MODULE)};
    applyGcMarking(process.argv[1]);
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ a: i, b: 'x' + i }); if (keep.length > 2e5) keep = []; }
  `;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--trace-concurrent-marking', '--input-type=module', '-e', script, mode],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return (r.stdout.match(/Starting major concurrent marking task/g) ?? []).length;
}

describe('GC_MARKING', () => {
  it('defaults to marking on the main thread and names the setting when it is wrong', () => {
    expect(loadConfig({}).GC_MARKING).toBe('main-thread');
    expect(loadConfig({ GC_MARKING: 'concurrent' }).GC_MARKING).toBe('concurrent');
    expect(() => loadConfig({ GC_MARKING: 'parallel' })).toThrow(/GC_MARKING/);
  });

  it('keeps V8 from marking on helper threads, which it does by default', () => {
    const onMain = concurrentMarkingTasks('main-thread');
    const concurrent = concurrentMarkingTasks('concurrent');
    expect(concurrent).toBeGreaterThanOrEqual(10);
    // a cycle already under way when the flag is read may still use a helper once
    expect(onMain).toBeLessThanOrEqual(2);
  });
});
