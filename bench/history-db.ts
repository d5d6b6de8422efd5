/**
 * Databases with a generated history for the benchmarks, cached in bench/.cache (git-ignored):
 * `base` cases are generated through the product's own seeder (state machine, events); larger sizes
 * are the base copied ×k in SQL with new case numbers (same distributions, k× the density).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bulkSeedHistory, createServices, seedReferenceData } from '../packages/api/src/index.ts';
import { openDatabase, ReferenceStore } from '../packages/db/src/index.ts';
import { ROOT } from './lib.ts';

const CACHE = join(ROOT, 'bench/.cache');

async function generate(file: string, base: number, log: (s: string) => void): Promise<void> {
  const database = openDatabase(file);
  await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
  const services = await createServices({ database });
  const t0 = Date.now();
  await bulkSeedHistory(services, {
    count: base,
    days: 730,
    now: new Date(),
    seed: 2025,
    onProgress: (d, t) =>
      d % 20000 === 0 || d === t
        ? log(`  generated ${d}/${t} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
        : undefined,
  });
  services.live.close();
  database.close();
}

function amplify(file: string, times: number, log: (s: string) => void): void {
  const database = openDatabase(file);
  const db = database.sqlite;
  db.pragma('cache_size = -524288');
  db.pragma('synchronous = OFF');
  const cols = (db.prepare('select name from pragma_table_info(?)').all('cases') as Array<{ name: string }>)
    .map((c) => c.name)
    .filter((c) => c !== 'id');
  const ecols = (
    db.prepare('select name from pragma_table_info(?)').all('case_events') as Array<{ name: string }>
  )
    .map((c) => c.name)
    .filter((c) => c !== 'id' && c !== 'case_id' && c !== 'case_number');
  const maxCase = (db.prepare('select max(id) as m from cases').get() as { m: number }).m;
  const maxEvent = (db.prepare('select max(id) as m from case_events').get() as { m: number }).m;
  const renumber = (col: string, k: number) => `substr(${col}, 1, 9) || '${k}' || substr(${col}, 10)`;
  for (let k = 1; k < times; k++) {
    db.transaction(() => {
      db.exec(
        `insert into cases (${cols.join(', ')}) select ${cols.map((c) => (c === 'case_number' ? renumber('case_number', k) : c)).join(', ')} from cases where id <= ${maxCase}`,
      );
      db.exec(
        `insert into case_events (case_id, case_number, ${ecols.join(', ')})
         select c.id, c.case_number, ${ecols.map((c) => `e.${c}`).join(', ')} from case_events e join cases c on c.case_number = ${renumber('e.case_number', k)} where e.id <= ${maxEvent}`,
      );
    })();
    log(`  copied ×${k + 1}`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
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
  if (existsSync(file)) return file;
  const tmp = join(CACHE, `building-${process.pid}.db`);
  rmSync(tmp, { force: true });
  log(`building ${base * times} case history in ${file}`);
  await generate(tmp, base, log);
  if (times > 1) amplify(tmp, times, log);
  for (const ext of ['-wal', '-shm']) rmSync(tmp + ext, { force: true });
  renameSync(tmp, file);
  return file;
}
