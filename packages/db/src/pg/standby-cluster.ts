import { execFile } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  findPgBin,
  freePort,
  isRoot,
  runAsPostgres,
  startTestCluster,
  type TestCluster,
} from './test-cluster.ts';

/**
 * A primary and a streaming standby for tests, made by the shipped scripts in `deploy/postgres/`
 * (make-standby.sh, make-synchronous.sh, promote.sh), not by a re-implementation: what is tested is
 * what an operator runs. Both servers listen on 127.0.0.1; the standby's data directory sits inside
 * the primary's temporary directory and goes with it.
 */

export const DEPLOY_POSTGRES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'deploy',
  'postgres',
);

const execFileAsync = promisify(execFile);

/** Run one of deploy/postgres/*.sh (as `postgres` when root and `asPostgres`); rejects with its output. */
async function runScript(
  bin: string,
  script: string,
  args: string[],
  opts: { asPostgres?: boolean; env?: Record<string, string> } = {},
): Promise<string> {
  const file = join(DEPLOY_POSTGRES_DIR, script);
  const env = { PG_BIN: bin, ...opts.env };
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const [cmd, cmdArgs] =
    opts.asPostgres && isRoot()
      ? ['runuser', ['-u', 'postgres', '--', 'env', ...envArgs, 'bash', file, ...args]]
      : ['env', [...envArgs, 'bash', file, ...args]];
  try {
    const { stdout } = await execFileAsync(cmd, cmdArgs, { encoding: 'utf8', timeout: 180_000 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${script} ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`);
  }
}

/** libpq conninfo of a server on 127.0.0.1 as the `postgres` superuser. */
export const localConninfo = (port: number, database = 'postgres'): string =>
  `host=127.0.0.1 port=${port} user=postgres dbname=${database}`;

export interface ReplicatedPair {
  readonly primary: TestCluster;
  readonly standbyPort: number;
  readonly standbyName: string;
  /** `postgres://postgres@127.0.0.1:PRIMARY,127.0.0.1:STANDBY/NAME?target_session_attrs=primary` */
  multiHostUrl(database: string): string;
  /** The standby alone (for checking what it holds after promotion). */
  standbyUrl(database: string): string;
  /** make-synchronous.sh on|off against the primary. */
  makeSynchronous(on: boolean): Promise<void>;
  /** SIGKILL to the primary's postmaster (the pid in postmaster.pid), nothing else: a machine dying. */
  killPrimary(): void;
  /** Stop the standby at once (`pg_ctl -m immediate`): the second site is gone. */
  stopStandby(): void;
  /** promote.sh against the standby; resolves once it accepts writes. */
  promoteStandby(): Promise<void>;
  /** Stop both servers at once, reap what is left of a killed primary, remove the directory. */
  stop(): void;
}

/** The postmaster's pid: the first line of postmaster.pid. */
function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}`);
  return pid;
}

/** Pids of processes whose working directory is `dataDir` (every PostgreSQL process chdirs there). */
function processesIn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dataDir) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

/**
 * Start a primary configured for streaming replication (wal_level=replica, max_wal_senders, a
 * `host replication … 127.0.0.1/32 trust` line in pg_hba.conf) and a standby made from it by
 * deploy/postgres/make-standby.sh. Asynchronous until `makeSynchronous(true)`.
 */
export async function startReplicatedPair(
  opts: { bin?: string; standbyName?: string } = {},
): Promise<ReplicatedPair> {
  const bin = opts.bin ?? findPgBin();
  if (!bin)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)');
  const name = opts.standbyName ?? 'standby1';
  const primary = await startTestCluster({
    bin,
    settings: { wal_level: 'replica', max_wal_senders: '4' },
  });
  const primaryData = realpathSync(join(primary.dir, 'data'));
  const standbyData = join(primary.dir, 'standby');
  let standbyStarted = false;
  const stopStandby = (): void => {
    if (!standbyStarted) return;
    standbyStarted = false;
    try {
      runAsPostgres(bin, 'pg_ctl', ['-D', standbyData, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
  };
  const stop = (): void => {
    stopStandby();
    // a killed postmaster leaves its children to notice and exit; reap any still there, by pid
    for (const pid of processesIn(primaryData))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    primary.stop();
  };
  try {
    const hba = join(primaryData, 'pg_hba.conf');
    if (!/^host\s+replication\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(readFileSync(hba, 'utf8'))) {
      appendFileSync(hba, 'host replication all 127.0.0.1/32 trust\n');
      runAsPostgres(bin, 'pg_ctl', ['-D', primaryData, 'reload']);
    }
    const standbyPort = await freePort();
    const standbyOpts = `-c listen_addresses='127.0.0.1' -c unix_socket_directories='${primary.dir}' -c max_connections=100`;
    standbyStarted = true;
    await runScript(
      bin,
      'make-standby.sh',
      [localConninfo(primary.port), standbyData, name, String(standbyPort)],
      { asPostgres: true, env: { STANDBY_OPTS: standbyOpts } },
    );
    const hostUrl = (database: string, ports: number[]) =>
      `postgres://postgres@${ports.map((p) => `127.0.0.1:${p}`).join(',')}/${database}`;
    return {
      primary,
      standbyPort,
      standbyName: name,
      multiHostUrl: (database) =>
        `${hostUrl(database, [primary.port, standbyPort])}?target_session_attrs=primary`,
      standbyUrl: (database) => hostUrl(database, [standbyPort]),
      async makeSynchronous(on) {
        await runScript(bin, 'make-synchronous.sh', [localConninfo(primary.port), on ? 'on' : 'off', name]);
      },
      killPrimary() {
        process.kill(postmasterPid(primaryData), 'SIGKILL');
      },
      stopStandby,
      async promoteStandby() {
        await runScript(bin, 'promote.sh', [localConninfo(standbyPort)]);
      },
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
