// probe: one 2000-subscriber fan-out round with client and server CPU
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './fanout.ts';
import { startServerProcess, tempDir } from './lib.ts';

const n = Number(process.env.N ?? 2000);
const dir = tempDir('fanout-prof');
const server = await startServerProcess({ DATABASE_PATH: join(dir, 'c.db') });
const pid = (server as unknown as { child: { pid: number } }).child.pid;
const cpuOf = (p: number) => {
  const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(f[11]) * 10, Number(f[12]) * 10];
};
try {
  await round(server.url, 1, 2);
  const c0 = process.cpuUsage();
  const s0 = cpuOf(pid);
  const t0 = Date.now();
  const r = await round(server.url, n, 10);
  const wall = Date.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify(r), 'wall', wall, 'client user/sys ms', Math.round(c.user / 1000), Math.round(c.system / 1000), 'server user/sys ms', cpuOf(pid)[0]! - s0[0]!, cpuOf(pid)[1]! - s0[1]!);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
