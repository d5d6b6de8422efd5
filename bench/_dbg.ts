import { round } from './fanout.ts';
import { startServerProcess, tempDir } from './lib.ts';
const s = await startServerProcess({ DATABASE_PATH: tempDir('dbg') + '/c.db' });
console.log(await round(s.url, 1, 3));
console.log(await round(s.url, 500, 5), s.rssMiB());
console.log(await round(s.url, 2000, 5), s.rssMiB());
await s.stop(); process.exit(0);
