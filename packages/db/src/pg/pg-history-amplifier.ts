import type { PgSql } from './client.ts';

/**
 * `amplifyCaseHistory` on PostgreSQL, for benchmarks only: copy the database's cases and their events
 * `times - 1` more times with new case numbers (the day prefix kept, the copy's index inserted after
 * it), one transaction per copy, so the distributions stay the generated ones at `times`× the density
 * and every copied case is still the replay of its copied events. Not for a city's real data.
 */
export async function amplifyPgCaseHistory(
  sql: PgSql,
  times: number,
  log: (s: string) => void = () => {},
): Promise<void> {
  const columnsOf = async (table: string) =>
    (
      await sql<Array<{ name: string }>>`
        select column_name as name from information_schema.columns
         where table_schema = current_schema() and table_name = ${table} order by ordinal_position`
    ).map((c) => c.name);
  const cols = (await columnsOf('cases')).filter((c) => c !== 'id');
  const ecols = (await columnsOf('case_events')).filter(
    (c) => c !== 'id' && c !== 'case_id' && c !== 'case_number',
  );
  const [max] = await sql<Array<{ maxCase: number; maxEvent: number }>>`
    select (select max(id) from cases) as "maxCase", (select max(id) from case_events) as "maxEvent"`;
  const { maxCase, maxEvent } = max!;
  const renumber = (col: string, k: number) => `substr(${col}, 1, 9) || '${k}' || substr(${col}, 10)`;
  for (let k = 1; k < times; k++) {
    await sql.begin(async (tx) => {
      await tx.unsafe(
        `insert into cases (${cols.join(', ')})
         select ${cols.map((c) => (c === 'case_number' ? renumber('case_number', k) : c)).join(', ')}
           from cases where id <= ${Number(maxCase)}`,
      );
      await tx.unsafe(
        `insert into case_events (case_id, case_number, ${ecols.join(', ')})
         select c.id, c.case_number, ${ecols.map((c) => `e.${c}`).join(', ')}
           from case_events e join cases c on c.case_number = ${renumber('e.case_number', k)}
          where e.id <= ${Number(maxEvent)}`,
      );
    });
    log(`  copied ×${k + 1}`);
  }
  // every table the copies wrote, the trigger-kept `case_day_counts` too (one update per copied case
  // into a few thousand day rows: about 980,000 dead versions at 1,000,000 cases, which autovacuum
  // reaches at a time of its own choosing): a city's tables, written a case at a time, stay vacuumed
  await sql`vacuum analyze`;
}
