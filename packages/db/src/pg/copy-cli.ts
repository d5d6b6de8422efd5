/**
 * `pnpm db:copy --from data/citygrid.db --to postgres://user@host:5432/citygrid`: copy a SQLite city
 * into an empty PostgreSQL database (migrated first), then verify row counts, every case row and
 * every case's replay. `--verify-only` checks an earlier copy again without writing.
 * Exit code 0 when verified; 1 with the differences (or the failure) otherwise; 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { copySqliteToPg, verifySqliteCopy } from './copy-sqlite.ts';

const usage =
  'usage: pnpm db:copy --from <sqlite file> --to postgres://[user[:password]@]host[:port][,host2…]/database';
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    batch: { type: 'string' },
    'verify-only': { type: 'boolean', default: false },
  },
});
if (!values.from || !values.to) {
  console.error(`db:copy: ${!values.from ? '--from' : '--to'} is required\n${usage}`);
  process.exit(2);
}
if (!/^postgres(ql)?:\/\//.test(values.to)) {
  console.error(`db:copy: --to must be a postgres:// URL, got ${JSON.stringify(values.to)}\n${usage}`);
  process.exit(2);
}
if (!existsSync(values.from)) {
  console.error(`db:copy: --from ${values.from}: no such SQLite file`);
  process.exit(2);
}
const batchRows = values.batch ? Number(values.batch) : undefined;
if (batchRows !== undefined && (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 20_000)) {
  console.error('db:copy: --batch must be a whole number from 1 to 20,000');
  process.exit(2);
}
const target = values.to.replace(/:[^:@/]*@/, ':***@');
try {
  let last = '';
  const report = values['verify-only']
    ? await verifySqliteCopy({ from: values.from, to: values.to })
    : await copySqliteToPg({
        from: values.from,
        to: values.to,
        batchRows,
        onProgress: (table, copied, total) => {
          const line = `  ${table}: ${copied.toLocaleString()} / ${total.toLocaleString()}`;
          if (line !== last) process.stdout.write(`\r${line}   `);
          last = line;
        },
      });
  process.stdout.write('\n');
  for (const t of report.tables)
    console.log(
      `${t.source === t.target ? 'ok ' : 'BAD'} ${t.table.padEnd(22)} ${String(t.source).padStart(9)} → ${String(t.target).padStart(9)}`,
    );
  console.log(
    `${report.casesCompared.toLocaleString()} cases compared with their source rows and replayed from their events`,
  );
  if (report.attachments)
    console.log(
      `${report.attachments.copied.toLocaleString()} attachment files copied into attachment_blobs` +
        (report.attachments.missingInSource
          ? ` (${report.attachments.missingInSource} without a file in the source)`
          : ''),
    );
  if (report.problems.length) {
    console.error(`db:copy: the copy in ${target} does NOT match ${values.from}:`);
    for (const p of report.problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(
    `${values['verify-only'] ? 'verified' : 'copied and verified'} ${values.from} → ${target} in ${report.seconds.toFixed(1)} s`,
  );
} catch (e) {
  console.error(`db:copy failed: ${(e as Error).message}`);
  process.exit(1);
}
