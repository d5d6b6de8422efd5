import type { CitygridDatabase } from './client.ts';

/**
 * For benchmarks at a scale no seeder reaches in minutes: copy a database's cases and their events
 * `times - 1` more times with new case numbers (the day prefix kept, the copy's index inserted after
 * it), so the distributions stay the generated ones at `times`× the density. Every copied case is still
 * exactly the replay of its copied events. Not for a city's real data.
 */
export function amplifyCaseHistory(
  database: CitygridDatabase,
  times: number,
  log: (s: string) => void = () => {},
): void {
  const db = database.sqlite;
  db.pragma('cache_size = -524288');
  db.pragma('synchronous = OFF');
  const columnsOf = (table: string) =>
    (db.prepare('select name from pragma_table_info(?)').all(table) as Array<{ name: string }>).map(
      (c) => c.name,
    );
  const cols = columnsOf('cases').filter((c) => c !== 'id');
  const ecols = columnsOf('case_events').filter((c) => c !== 'id' && c !== 'case_id' && c !== 'case_number');
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
    // each copy is one large transaction: move it into the main file and reset the WAL before the
    // next, or the WAL grows by every copy (a 5,000,000-case build filled a 250 GB disk with it)
    db.pragma('wal_checkpoint(TRUNCATE)');
    log(`  copied ×${k + 1}`);
  }
  db.pragma(`synchronous = ${database.synchronousPragma}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
}
