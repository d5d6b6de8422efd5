import { DEMO_PASSWORD } from '@citygrid/api';
import { loadConfig } from './env.ts';
import { applyGcMarking, nodeArgsFor } from './gc-marking.ts';
import { startServer } from './server.ts';

const config = loadConfig();
if (applyGcMarking(config.GC_MARKING) === 'changed')
  console.log(
    `[citygrid] GC_MARKING=${config.GC_MARKING} set after start; node ${nodeArgsFor(config.GC_MARKING).join(' ') || '--concurrent-marking'} sets it at start`,
  );
const running = await startServer(config, { log: (s) => console.log(`[citygrid] ${s}`) });
if (running.createdUsers) {
  console.log('\n  Demo accounts (local use only), password for all:', DEMO_PASSWORD);
  for (const u of running.createdUsers.slice(0, 8))
    console.log(`    ${u.username.padEnd(12)} ${u.role.padEnd(11)} ${u.displayName}`);
  console.log(
    `    unit-u01 … unit-u${String(running.createdUsers.length - 7).padStart(2, '0')}  unit_staff  one account per member unit\n`,
  );
}
console.log(`[citygrid] command center at ${running.url}  (database ${config.DATABASE_PATH})`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log(`[citygrid] ${sig}: closing`);
    void running.close().then(() => process.exit(0));
  });
}
