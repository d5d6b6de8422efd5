/**
 * `pnpm seed --cases 1000000 [--days 730] [--db data/citygrid.db]`: add a generated history to a
 * database (created, migrated and reference-seeded if new), with a progress display.
 */
import { parseArgs } from 'node:util';
import { bulkSeedHistory, createServices, seedReferenceData } from '@citygrid/api';
import { openDatabase, ReferenceStore } from '@citygrid/db';
import { loadConfig } from './env.ts';

const { values } = parseArgs({
  // `pnpm seed -- --cases …` passes the separator through: drop it
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    cases: { type: 'string', default: '100000' },
    days: { type: 'string', default: '730' },
    db: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
});
const count = Number(values.cases);
const days = Number(values.days);
if (!Number.isInteger(count) || count < 1 || count > 5_000_000)
  throw new Error('--cases must be a whole number from 1 to 5,000,000');
if (!Number.isInteger(days) || days < 1 || days > 3650)
  throw new Error('--days must be a whole number from 1 to 3650');
const file = values.db ?? loadConfig().DATABASE_PATH;
const database = openDatabase(file);
await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
const services = await createServices({ database });
const t0 = Date.now();
await bulkSeedHistory(
  { ...services, database },
  {
    count,
    days,
    now: new Date(),
    seed: Number(values.seed),
    onProgress: (done, total) => {
      const s = (Date.now() - t0) / 1000;
      const rate = done / Math.max(s, 0.001);
      process.stdout.write(
        `\r  ${done.toLocaleString()} / ${total.toLocaleString()} cases  ${((100 * done) / total).toFixed(1)}%  ${Math.round(rate)} cases/s  eta ${Math.round((total - done) / rate)} s   `,
      );
    },
  },
);
console.log(
  `\nseeded ${count.toLocaleString()} cases into ${file} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
database.close();
