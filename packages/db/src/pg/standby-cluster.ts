import { execFile } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findPgBin, freePort, isRoot, runAsPostgres, startTestCluster } from './test-cluster.ts';

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

let readableCopy: string | null = null;

/**
 * The shipped scripts, copied once into a folder the `postgres` user can read: a clone inside a
 * private folder (e.g. `mktemp -d`, mode 700) is closed to it. The copy is byte for byte the same.
 */
function scriptsReadableByPostgres(): string {
  if (readableCopy) return readableCopy;
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-deploy-postgres-'));
  cpSync(DEPLOY_POSTGRES_DIR, dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o755);
  readableCopy = dir;
  return dir;
}

/** Run one of deploy/postgres/*.sh (as `postgres` when root and `asPostgres`); rejects with its output. */
async function runScript(
  bin: string,
  script: string,
  args: string[],
  opts: { asPostgres?: boolean; env?: Record<string, string> } = {},
): Promise<string> {
  const asPostgres = opts.asPostgres === true && isRoot();
  const file = join(asPostgres ? scriptsReadableByPostgres() : DEPLOY_POSTGRES_DIR, script);
  const env = { PG_BIN: bin, ...opts.env };
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const [cmd, cmdArgs] = asPostgres
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
  /** The server taking writes now (the first primary, or the standby promoted last). */
  readonly primaryPort: number;
  /** The current standby's port; throws when there is none (after a promotion, until `makeStandby`). */
  readonly standbyPort: number;
  /** The current standby's application_name (`standby1`, `standby2`, … in the order they were made). */
  readonly standbyName: string;
  /** Create an empty database on the primary (the standby receives it); returns the primary's URL. */
  createDatabase(name: string): string;
  /** `postgres://postgres@127.0.0.1:PRIMARY,127.0.0.1:STANDBY/NAME?target_session_attrs=primary` */
  multiHostUrl(database: string): string;
  /** One server alone, by port (to check what it holds, not through the multi-host URL). */
  serverUrl(port: number, database: string): string;
  /** make-standby.sh against the current primary: a new standby (after a promotion, or the first). */
  makeStandby(): Promise<void>;
  /** make-synchronous.sh on|off against the primary, naming the current standby. */
  makeSynchronous(on: boolean): Promise<void>;
  /** SIGKILL to the primary's postmaster (the pid in postmaster.pid), nothing else: a machine dying. */
  killPrimary(): void;
  /** Stop the standby at once (`pg_ctl -m immediate`): the second site is gone. */
  stopStandby(): void;
  /** promote.sh against the standby; resolves once it accepts writes. It is the primary from then on. */
  promoteStandby(): Promise<void>;
  /** Stop every server at once, reap what is left of a killed one, remove the directory. */
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

interface Server {
  port: number;
  data: string;
  name: string;
  running: boolean;
}

/**
 * Start a primary configured for streaming replication (wal_level=replica, max_wal_senders, a
 * `host replication … 127.0.0.1/32 trust` line in pg_hba.conf) and a standby made from it by
 * deploy/postgres/make-standby.sh. Asynchronous until `makeSynchronous(true)`. After
 * `promoteStandby()` the promoted standby is the primary, and `makeStandby()` gives it a standby.
 */
export async function startReplicatedPair(opts: { bin?: string } = {}): Promise<ReplicatedPair> {
  const bin = opts.bin ?? findPgBin();
  if (!bin)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)');
  const first = await startTestCluster({
    bin,
    settings: { wal_level: 'replica', max_wal_senders: '4' },
  });
  const servers: Server[] = [
    { port: first.port, data: realpathSync(join(first.dir, 'data')), name: 'primary', running: true },
  ];
  let primary = servers[0]!;
  let standby: Server | null = null;
  const pgCtlStop = (server: Server): void => {
    if (!server.running) return;
    server.running = false;
    try {
      runAsPostgres(bin, 'pg_ctl', ['-D', server.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
  };
  const stop = (): void => {
    for (const server of servers.slice(1)) pgCtlStop(server);
    // a killed postmaster leaves its children to notice and exit; reap any still there, by pid
    for (const server of servers)
      for (const pid of processesIn(server.data))
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* exited meanwhile */
        }
    first.stop();
  };
  const current = (): Server => {
    if (!standby) throw new Error('there is no standby (promoted; make a new one with makeStandby)');
    return standby;
  };
  const serverUrl = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const pair: ReplicatedPair = {
    get primaryPort() {
      return primary.port;
    },
    get standbyPort() {
      return current().port;
    },
    get standbyName() {
      return current().name;
    },
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`database name ${JSON.stringify(name)} must be lower-case letters, digits and _`);
      runAsPostgres(bin, 'psql', [
        '-d',
        localConninfo(primary.port),
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `create database ${name}`,
      ]);
      return serverUrl(primary.port, name);
    },
    multiHostUrl: (database) =>
      `postgres://postgres@${[primary, ...(standby ? [standby] : [])].map((s) => `127.0.0.1:${s.port}`).join(',')}/${database}?target_session_attrs=primary`,
    serverUrl,
    async makeStandby() {
      if (standby?.running) throw new Error(`${standby.name} is still running`);
      const server: Server = {
        port: await freePort(),
        data: join(first.dir, `standby${servers.length}`),
        name: `standby${servers.length}`,
        running: true,
      };
      servers.push(server);
      await runScript(
        bin,
        'make-standby.sh',
        [localConninfo(primary.port), server.data, server.name, String(server.port)],
        {
          asPostgres: true,
          env: {
            STANDBY_OPTS: `-c listen_addresses='127.0.0.1' -c unix_socket_directories='${first.dir}' -c max_connections=100`,
          },
        },
      );
      server.data = realpathSync(server.data);
      standby = server;
    },
    async makeSynchronous(on) {
      await runScript(bin, 'make-synchronous.sh', [
        localConninfo(primary.port),
        on ? 'on' : 'off',
        ...(on ? [current().name] : []),
      ]);
    },
    killPrimary() {
      process.kill(postmasterPid(primary.data), 'SIGKILL');
      primary.running = false;
    },
    stopStandby() {
      pgCtlStop(current());
    },
    async promoteStandby() {
      const promoted = current();
      await runScript(bin, 'promote.sh', [localConninfo(promoted.port)]);
      primary = promoted;
      standby = null;
    },
    stop,
  };
  try {
    const hba = join(primary.data, 'pg_hba.conf');
    if (!/^host\s+replication\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(readFileSync(hba, 'utf8'))) {
      appendFileSync(hba, 'host replication all 127.0.0.1/32 trust\n');
      runAsPostgres(bin, 'pg_ctl', ['-D', primary.data, 'reload']);
    }
    await pair.makeStandby();
    return pair;
  } catch (e) {
    stop();
    throw e;
  }
}
