import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';
import { applyGcMarking, nodeArgsFor } from './gc-marking.ts';

const MODULE = fileURLToPath(new URL('./gc-marking.ts', import.meta.url));

/**
 * Major-GC marking tasks V8 ran on helper threads in a child started with `nodeArgs` that applies
 * `mode` once its old generation is churning and churns on.
 */
function concurrentMarkingTasks(mode: string, nodeArgs: string[] = []): { tasks: number; applied: string } {
  const script = `
    import { applyGcMarking } from ${JSON.stringify(MODULE)};
    let keep = [];
    const churn = (n) => { for (let i = 0; i < n; i++) { keep.push({ a: i, b: 'x' + i }); if (keep.length > 2e5) keep = []; } };
    churn(1e5);
    console.log('APPLIED ' + applyGcMarking(process.argv[1]));
    churn(6e6);
  `;
  const r = spawnSync(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--trace-concurrent-marking', '--input-type=module', '-e', script, mode],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  // V8 prints through C stdio, buffered apart from console.log: count the whole run's tasks
  return {
    tasks: (r.stdout.match(/Starting major concurrent marking task/g) ?? []).length,
    applied: /APPLIED (\S+)/.exec(r.stdout)?.[1] ?? '',
  };
}

describe('GC_MARKING', () => {
  it('defaults to marking on the main thread and names the setting when it is wrong', () => {
    expect(loadConfig({}).GC_MARKING).toBe('main-thread');
    expect(loadConfig({ GC_MARKING: 'concurrent' }).GC_MARKING).toBe('concurrent');
    expect(() => loadConfig({ GC_MARKING: 'parallel' })).toThrow(/GC_MARKING/);
  });

  it('keeps V8 from marking on helper threads, which it does by default, set at start or after it', () => {
    const concurrent = concurrentMarkingTasks('concurrent');
    expect(concurrent).toEqual({ tasks: expect.any(Number), applied: 'command-line' });
    expect(concurrent.tasks).toBeGreaterThanOrEqual(25);
    // V8 still marks with helpers inside a full GC's pause (parallel marking, traced alike), so
    // "none" is a handful against the dozens of concurrent marking
    const few = concurrent.tasks / 4;
    // changed at run time: only the cycles before the change and the full GC that precedes it
    const changed = concurrentMarkingTasks('main-thread');
    expect(changed.applied).toBe('changed');
    expect(changed.tasks).toBeLessThan(few);
    // the node option the launchers pass: nothing left to change
    const atStart = concurrentMarkingTasks('main-thread', nodeArgsFor('main-thread'));
    expect(atStart.applied).toBe('command-line');
    expect(atStart.tasks).toBeLessThan(few);
    expect(nodeArgsFor('concurrent')).toEqual([]);
  });

  it('reads what node was started with', () => {
    expect(applyGcMarking('concurrent', [])).toBe('command-line');
    expect(applyGcMarking('main-thread', ['--no-concurrent_marking'])).toBe('command-line');
    expect(applyGcMarking('concurrent', ['--no-concurrent-marking', '--concurrent-marking'])).toBe(
      'command-line',
    );
  });
});
