import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgTestEnv } from './env.ts';

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory, `pg_ctl start` on a
 * free port (TCP on 127.0.0.1 with trust auth, the unix socket inside the directory), stopped with
 * `-m immediate` and removed afterwards. PostgreSQL refuses to run as root, so when the tests run
 * as root the directory is handed to the `postgres` user and every command runs through `runuser`.
 * Nothing is mocked: this is Debian's server.
 */

/** Where the server binaries are: `PG_BIN`, Debian's versioned folder, or `pg_config --bindir`. */
export function findPgBin(): string | null {
  const candidates = [
    pgTestEnv().pgBin,
    '/usr/lib/postgresql/17/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
  ];
  try {
    candidates.push(
      execFileSync('pg_config', ['--bindir'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    /* no pg_config on PATH */
  }
  for (const dir of candidates)
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  return null;
}

/**
 * Whether tests that need PostgreSQL can run. Without the binaries they are skipped with a message
 * outside CI; under `CI=true` a missing server is an error (CI must install `postgresql`).
 */
export function pgTestAvailability(
  found: { bin: string | null; ci: boolean } = { bin: findPgBin(), ci: pgTestEnv().ci },
): { available: true; bin: string } | { available: false; reason: string } {
  const { bin } = found;
  if (bin) return { available: true, bin };
  const reason =
    'PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN): PostgreSQL tests skipped';
  if (found.ci)
    throw new Error(`${reason.split(':')[0]}, and CI is set: CI must install postgresql (see .ci/run)`);
  console.warn(reason);
  return { available: false, reason };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestCluster {
  readonly port: number;
  readonly dir: string;
  /** `postgres://postgres@127.0.0.1:PORT/NAME` */
  url(database?: string): string;
  /** Create an empty database and return its URL. */
  createDatabase(name: string): string;
  /** Stop the server at once (`-m immediate`) and remove its directory. Safe to call twice. */
  stop(): void;
  /**
   * Crash the server and keep its data: SIGQUIT to the postmaster, PostgreSQL's immediate shutdown
   * (every process quits at once, no checkpoint), sent without blocking this process, so load it
   * runs sees the crash as it happens. Resolves when the server is gone; `restart` then runs crash
   * recovery from the WAL.
   */
  crash(): Promise<void>;
  restart(): void;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export function runAsPostgres(bin: string, cmd: string, args: string[]): string {
  const file = join(bin, cmd);
  const r = isRoot()
    ? spawnSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8' })
    : spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.stdout || r.error?.message}`,
    );
  return r.stdout;
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line)
    throw new Error(
      'running as root but there is no `postgres` user to run the server (PostgreSQL refuses root); apt-get install postgresql creates it',
    );
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Start a fresh cluster. Register `stop` in afterAll; it is also stopped when the process exits. */
export async function startTestCluster(
  opts: { bin?: string; settings?: Record<string, string> } = {},
): Promise<TestCluster> {
  const bin = opts.bin ?? findPgBin();
  if (!bin)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-pg-'));
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  runAsPostgres(bin, 'initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    // pg_trgm (case search) makes trigrams only of characters the ctype calls letters: Chinese needs UTF-8
    '--lc-ctype=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${dir}'`,
    max_connections: '100',
    ...opts.settings,
  };
  const serverOpts = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const start = (): void => {
    runAsPostgres(bin, 'pg_ctl', [
      '-D',
      data,
      '-o',
      serverOpts,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  };
  start();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      runAsPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    url,
    async crash() {
      const pidFile = join(data, 'postmaster.pid');
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
      for (let waited = 0; existsSync(pidFile); waited += 20) {
        if (waited > 30_000) throw new Error('PostgreSQL did not quit after SIGQUIT');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    restart: start,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`database name ${JSON.stringify(name)} must be lower-case letters, digits and _`);
      runAsPostgres(bin, 'psql', [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `create database ${name}`,
      ]);
      return url(name);
    },
    stop,
  };
}
