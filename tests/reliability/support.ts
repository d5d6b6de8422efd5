/**
 * Shared helpers for the reliability suite: scale and seeded randomness, a real server in a child
 * process (for kill -9), raw tRPC calls with their HTTP status, replay checks, database counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { replayCaseEvents, type CaseSnapshot } from '../../packages/domain/src/index.ts';
import type { CaseView } from '../../packages/api/src/index.ts';
import type { SqliteConnection } from '../../apps/server/src/backup.ts';
import { DEMO_PASSWORD, type Session } from '../../apps/server/src/test-support.ts';

export { CITY_CENTRE, OUTSIDE_GRID, Session, errorOf, loginAs, startTestServer, type TestServer } from '../../apps/server/src/test-support.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Size of every load in the suite: 1 (default) keeps the whole suite to a few minutes on 2 cores. */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? 1) || 1);

/** Seed for the suite's own randomness (kill moments, think times); printed so a failure can be replayed. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.info(`[reliability] RELIABILITY_SEED=${SEED} RELIABILITY_SCALE=${SCALE}`);

/** A small deterministic PRNG: the domain's mulberry32. */
export { createSeededRandom as rng } from '../../packages/domain/src/grid/prng.ts';

/**
 * fast-check settings for the suite: seeded from SEED, stopping at the first failure (shrinking
 * against a live server is slow), and a report whose huge generated strings are abbreviated.
 */
export function fcOptions<T>(numRuns: number): fc.Parameters<T> {
  return {
    numRuns,
    seed: SEED,
    endOnFailure: true,
    reporter: (out) => {
      const message = fc.defaultReportMessage(out);
      if (message === undefined) return;
      const short = message.replace(/(.)\1{99,}/gsu, (run, c: string) => `${c}…(${run.length}×)`);
      throw new Error(short.length > 8000 ? `${short.slice(0, 8000)}…` : short);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function healthOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The real server (`apps/server/src/main.ts`) in a child process, on 127.0.0.1. */
export class ChildServer {
  readonly url: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | string | null>;
  /** The child's recent output, for failure messages. */
  output = '';

  constructor(
    readonly databasePath: string,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_PATH: databasePath,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_HISTORY_CASES: '0',
        ARGON2_FAST: 'true',
        OPEN311_DEMO_KEY: 'test-key',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ?? code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once /health answers 200; fails if the child exits or `timeoutMs` passes. */
  async ready(timeoutMs = 30_000): Promise<void> {
    let exitedWith: number | string | null | undefined;
    void this.exited.then((c) => (exitedWith = c ?? 'exit'));
    const t0 = Date.now();
    for (;;) {
      if (exitedWith !== undefined) throw new Error(`server exited (${String(exitedWith)}) before answering /health:\n${this.output}`);
      if (await healthOk(this.url)) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${this.output}`);
      await sleep(50);
    }
  }

  /** kill -9: no shutdown code runs. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM: the server closes its database). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A valid hotline intake that routes to U09 (垃圾箱 at the city centre). */
export function intakeInput(description: string, phone: string, extra: Record<string, unknown> = {}) {
  return {
    callerPhone: phone,
    callerName: '可靠性测试',
    nature: 'complaint' as const,
    minorClassCode: 'C0302',
    description,
    urgency: 'normal' as const,
    location: { lat: 43.934, lng: 116.086 },
    ...extra,
  };
}

/** The snapshot the case's events replay to. */
export function replayOf(events: CaseView['events']): CaseSnapshot {
  return replayCaseEvents(
    events.map((e) => ({ action: e.action, actor: { userId: e.actorUserId, role: e.actorRole as never, unitCode: e.actorUnitCode as never }, at: e.at })),
  );
}

/**
 * Differences between a case as stored and as its events replay: every snapshot field, event
 * sequence numbers 1..version without gaps. Empty when the row is exactly its event log.
 */
export function replayMismatches(view: Pick<CaseView, 'record' | 'events'>): string[] {
  const problems: string[] = [];
  const { record, events } = view;
  const seqs = events.map((e) => e.seq);
  const expected = Array.from({ length: record.version }, (_, i) => i + 1);
  if (JSON.stringify(seqs) !== JSON.stringify(expected)) problems.push(`${record.caseNumber}: event seqs ${seqs.join(',')} are not 1..${record.version}`);
  let replayed: CaseSnapshot;
  try {
    replayed = replayOf(events);
  } catch (e) {
    return [...problems, `${record.caseNumber}: events do not replay: ${(e as Error).message}`];
  }
  for (const [k, v] of Object.entries(replayed)) {
    const stored = (record as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(stored) !== JSON.stringify(v)) problems.push(`${record.caseNumber}: ${k} stored ${JSON.stringify(stored)} but replays to ${JSON.stringify(v)}`);
  }
  return problems;
}

/** A tRPC call over raw HTTP, returning the status and the error (if any) as sent. */
export async function rawCall(
  baseUrl: string,
  s: Pick<Session, 'cookie' | 'csrf'> | null,
  path: string,
  type: 'query' | 'mutation',
  input: unknown,
  opts: { rawBody?: string; rawQuery?: string } = {},
): Promise<{ status: number; error: { message: string; data?: { code?: string; fields?: Array<{ field: string; message: string }> } } | null; result: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s) {
    headers['x-csrf-token'] = s.csrf;
    if (s.cookie) headers.cookie = s.cookie;
  }
  const encoded = input === undefined ? '' : encodeURIComponent(JSON.stringify({ json: input }));
  const res =
    type === 'query'
      ? await fetch(`${baseUrl}/api/trpc/${path}${opts.rawQuery !== undefined ? `?${opts.rawQuery}` : encoded ? `?input=${encoded}` : ''}`, { headers })
      : await fetch(`${baseUrl}/api/trpc/${path}`, { method: 'POST', headers, body: opts.rawBody ?? (input === undefined ? '' : JSON.stringify({ json: input })) });
  const text = await res.text();
  let body: { error?: { json?: unknown }; result?: { data?: { json?: unknown } } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  return { status: res.status, error: (body.error?.json as never) ?? null, result: body.result?.data?.json };
}

/** Log a user in over raw HTTP (no tRPC client): cookie + CSRF token. */
export async function rawLogin(baseUrl: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${baseUrl}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ json: { username, password: DEMO_PASSWORD } }),
  });
  const body = (await res.json()) as { result: { data: { json: { csrfToken: string } } } };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cg_session='))!;
  return { cookie, csrf: body.result.data.json.csrfToken };
}

/** What no refused or invalid request may change. */
export function caseTotals(db: SqliteConnection): { cases: number; versions: number; events: number; maxEventId: number } {
  return db
    .prepare('select (select count(*) from cases) as cases, (select coalesce(sum(version), 0) from cases) as versions, (select count(*) from case_events) as events, (select coalesce(max(id), 0) from case_events) as maxEventId')
    .get() as { cases: number; versions: number; events: number; maxEventId: number };
}

/** Cases whose event count or last seq disagrees with their version (should be none). */
export function versionEventMismatches(db: SqliteConnection): string[] {
  const rows = db
    .prepare(
      'select c.case_number as n, c.version as v, count(e.id) as k, coalesce(max(e.seq), 0) as m, coalesce(min(e.seq), 0) as lo from cases c left join case_events e on e.case_id = c.id group by c.id having k != v or m != v or lo != 1',
    )
    .all() as Array<{ n: string; v: number; k: number; m: number; lo: number }>;
  return rows.map((r) => `${r.n}: version ${r.v}, ${r.k} events, seq ${r.lo}..${r.m}`);
}
