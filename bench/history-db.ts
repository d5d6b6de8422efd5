/**
 * Databases with a generated history for the benchmarks, cached in bench/.cache (git-ignored):
 * `base` cases are generated through the product's own seeder (state machine, events); larger sizes
 * are the base copied ×k in SQL with new case numbers (same distributions, k× the density).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bulkSeedHistory, createServices, seedReferenceData } from '@citygrid/api';
import { amplifyCaseHistory, openDatabase, ReferenceStore } from '@citygrid/db';
import { ROOT } from './lib.ts';

const CACHE = join(ROOT, 'bench/.cache');

async function generate(file: string, base: number, log: (s: string) => void): Promise<void> {
  const database = openDatabase(file);
  await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
  const services = await createServices({ database });
  const t0 = Date.now();
  await bulkSeedHistory(
    { ...services, database },
    {
      count: base,
      days: 730,
      now: new Date(),
      seed: 2025,
      onProgress: (d, t) =>
        d % 20000 === 0 || d === t
          ? log(`  generated ${d}/${t} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
          : undefined,
    },
  );
  await services.close();
  database.close();
}

function amplify(file: string, times: number, log: (s: string) => void): void {
  const database = openDatabase(file);
  amplifyCaseHistory(database, times, log);
  database.close();
}

/** Path of a cached database holding `base × times` cases; generated on first use. */
export async function historyDatabase(
  base: number,
  times: number,
  log: (s: string) => void = console.log,
): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `history-${base}x${times}.db`);
  if (existsSync(file)) {
    // a cache built before the latest migration is brought to it (as a city's database would be)
    const t0 = Date.now();
    openDatabase(file).close();
    if (Date.now() - t0 > 1000) log(`  ${file}: migrated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return file;
  }
  const tmp = join(CACHE, `building-${process.pid}.db`);
  rmSync(tmp, { force: true });
  log(`building ${base * times} case history in ${file}`);
  await generate(tmp, base, log);
  if (times > 1) amplify(tmp, times, log);
  for (const ext of ['-wal', '-shm']) rmSync(tmp + ext, { force: true });
  renameSync(tmp, file);
  return file;
}
