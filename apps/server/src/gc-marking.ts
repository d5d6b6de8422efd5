import { setFlagsFromString } from 'node:v8';
import type { ServerConfig } from './env.ts';

/**
 * Where V8 marks the old generation. By default it marks on helper threads beside the event loop;
 * on a 2-core machine that shares its cores with the WAL fsyncs, the checkpointer and (in the
 * benchmarks) the load generator, each major GC's 50-100 ms of concurrent marking starved the event
 * loop: intake at an even 200 cases/s stalled ~60 ms at every major GC (issue 14). Marking on the main
 * thread does the same work in sub-millisecond steps between requests. `bench/intake.ts` measures
 * both (`GC_MARKING=concurrent` is the comparison); the figures are in the README.
 *
 * Set before the first major GC that matters: V8 reads the flag each time it starts marking.
 */
export function applyGcMarking(mode: ServerConfig['GC_MARKING']): void {
  setFlagsFromString(mode === 'concurrent' ? '--concurrent-marking' : '--no-concurrent-marking');
}
