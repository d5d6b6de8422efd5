import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ServerConfig } from './env.ts';

/**
 * Where V8 marks the old generation. By default it marks on helper threads beside the event loop;
 * on a 2-core machine that shares its cores with the WAL fsyncs, the checkpointer and (in the
 * benchmarks) the load generator, each major GC's 50-100 ms of concurrent marking starved the event
 * loop: intake at an even 200 cases/s stalled ~60 ms at every major GC (issue 14). Marking on the main
 * thread does the same work in sub-millisecond steps between requests. `bench/intake.ts` measures
 * both (`GC_MARKING=concurrent` is the comparison); the figures are in the README.
 *
 * The flag belongs on node's command line (`nodeArgsFor`), which `pnpm start` and the test and bench
 * servers pass; V8 does not allow it in NODE_OPTIONS.
 */
const ON_MAIN_THREAD = '--no-concurrent-marking';

/** The node options that start a server process with `mode` (none for V8's default). */
export function nodeArgsFor(mode: ServerConfig['GC_MARKING']): string[] {
  return mode === 'concurrent' ? [] : [ON_MAIN_THREAD];
}

/** The marking `execArgv` chose: the last `--[no-]concurrent[-_]marking` given, or null. */
function chosenOnCommandLine(execArgv: readonly string[]): ServerConfig['GC_MARKING'] | null {
  let chosen: ServerConfig['GC_MARKING'] | null = null;
  for (const arg of execArgv) {
    const a = arg.replaceAll('_', '-');
    if (a === '--concurrent-marking') chosen = 'concurrent';
    else if (a === ON_MAIN_THREAD || a === '--noconcurrent-marking') chosen = 'main-thread';
  }
  return chosen;
}

/**
 * Makes V8 mark as `mode` says. Nothing to do when node's command line already says so (or says
 * nothing and `mode` is V8's default). Otherwise the flag is changed at run time, after a full GC:
 * changing it while helper threads are marking a cycle aborts the process (V8 "Check failed:
 * marking_state_.GreyToBlack", SIGTRAP; seen once in CI when the flag was set after the app had
 * loaded), and right after a full GC no cycle is under way.
 */
export function applyGcMarking(
  mode: ServerConfig['GC_MARKING'],
  execArgv: readonly string[] = process.execArgv,
): 'command-line' | 'changed' {
  const given = chosenOnCommandLine(execArgv) ?? 'concurrent';
  if (given === mode) return 'command-line';
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  setFlagsFromString('--no-expose-gc');
  setFlagsFromString(mode === 'concurrent' ? '--concurrent-marking' : ON_MAIN_THREAD);
  return 'changed';
}
