import type { Actor } from '@citygrid/domain';
import { verifyEveryCaseReplays, type CaseCoreStore, type CoreCreateInput } from '../stores/case-core.ts';
import { bareCaseFields } from '../stores/case-fields.ts';
import type { PgSql } from './client.ts';
import { PgCaseStore } from './pg-case-store.ts';
import type { ReplicatedPair } from './standby-cluster.ts';

/*
 * The failover drill at store level (used by failover.test.ts and bench/failover.ts): writers file
 * cases through one `CaseCoreStore` as a node's intake would, each filing retried with the SAME
 * idempotency key until it is acknowledged; meanwhile the primary's postmaster is killed and the
 * standby promoted. Then the promoted standby is checked: every acknowledged case is there, no key
 * made two cases, every case replays from its events.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const operator: Actor = { userId: 1, role: 'operator', unitCode: null };

/** A filing with its idempotency key (the description carries the key too, to find duplicates). */
export function drillCase(key: string, at = new Date().toISOString()): CoreCreateInput {
  return {
    fields: bareCaseFields(`failover drill ${key}`, at),
    events: [{ actor: operator, actorName: '受理员', at, action: { type: 'report' } }],
    idempotency: { key, requestHash: `drill:${key}` },
  };
}

/**
 * One acknowledged filing (times are performance.now()): `firstTriedAt` when its first attempt
 * began, `startedAt` when its successful attempt began.
 */
export interface AckedCase {
  key: string;
  caseNumber: string;
  firstTriedAt: number;
  startedAt: number;
  ackedAt: number;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

/**
 * `writers` loops filing cases one after another through `store`. A failed filing is retried with
 * the same key (after `retryPauseMs`) until it succeeds; `stop()` lets each writer finish the filing
 * it holds, so every key ever tried ends acknowledged (or `stop` rejects after `finishWithinMs`).
 */
export class IntakeLoop {
  readonly acked: AckedCase[] = [];
  failedAttempts = 0;
  /** Error message → how often (the first line of each), for the report. */
  readonly errors = new Map<string, number>();
  private stopping = false;
  private abandoned = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly store: CaseCoreStore,
    private readonly opts: { writers: number; prefix: string; retryPauseMs?: number },
  ) {}

  start(): void {
    for (let w = 0; w < this.opts.writers; w++) this.running.push(this.writer(w));
  }

  private async writer(w: number): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const key = `${this.opts.prefix}-${w}-${i}`;
      const input = drillCase(key);
      const firstTriedAt = performance.now();
      for (let attempts = 1; ; attempts++) {
        const startedAt = performance.now();
        try {
          const { record } = await this.store.createCase(input);
          this.acked.push({
            key,
            caseNumber: record.caseNumber,
            firstTriedAt,
            startedAt,
            ackedAt: performance.now(),
            attempts,
          });
          break;
        } catch (e) {
          if (this.abandoned) return;
          this.failedAttempts++;
          const msg = String((e as Error)?.message ?? e).split('\n')[0]!;
          this.errors.set(msg, (this.errors.get(msg) ?? 0) + 1);
          await sleep(this.opts.retryPauseMs ?? 50);
        }
      }
    }
  }

  /** Stop without finishing: filings in hand are given up (after a failed drill). */
  abandon(): void {
    this.stopping = true;
    this.abandoned = true;
  }

  async stop(finishWithinMs = 60_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`writers still retrying ${finishWithinMs} ms after stop`)),
        finishWithinMs,
      );
    });
    try {
      await Promise.race([Promise.all(this.running), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Cases per second that `writers` concurrent filings achieve through `store` over `ms`. */
export async function measureIntakeRate(
  store: CaseCoreStore,
  opts: { writers: number; ms: number; prefix: string },
): Promise<number> {
  const loop = new IntakeLoop(store, { writers: opts.writers, prefix: opts.prefix });
  const t0 = performance.now();
  loop.start();
  await sleep(opts.ms);
  await loop.stop();
  return loop.acked.length / ((performance.now() - t0) / 1000);
}

export interface DrillReport {
  acked: AckedCase[];
  /** performance.now() of the kill. */
  killAt: number;
  /** Acknowledged before the kill. */
  ackedBeforeKill: number;
  /** ms from the kill until promote.sh returned (the standby accepts writes). */
  promoteMs: number;
  /** ms from the kill to the first acknowledgement of a filing begun after the kill (so on the new primary). */
  recoveryMs: number;
  /** The longest any filing waited, from its first attempt to its acknowledgement (ms). */
  maxWaitMs: number;
  /** Acknowledged cases per second over the whole drill, outage included. */
  ratePerS: number;
  failedAttempts: number;
  errors: Map<string, number>;
}

/**
 * File cases through `store` (connected with the pair's multi-host URL), SIGKILL the primary after
 * `killAfterMs` (and at least `minAckedBeforeKill` acknowledgements, so a slow start still has cases
 * in flight when the primary dies), promote the standby with promote.sh, and go on until `resumeCases` filings begun
 * after the kill are acknowledged; then let the writers finish and stop.
 */
export async function runFailoverDrill(
  pair: Pick<ReplicatedPair, 'killPrimary' | 'promoteStandby'>,
  store: CaseCoreStore,
  opts: {
    writers?: number;
    killAfterMs?: number;
    minAckedBeforeKill?: number;
    resumeCases?: number;
    timeoutMs?: number;
    prefix?: string;
  } = {},
): Promise<DrillReport> {
  const loop = new IntakeLoop(store, { writers: opts.writers ?? 4, prefix: opts.prefix ?? 'drill' });
  const t0 = performance.now();
  loop.start();
  try {
    await sleep(opts.killAfterMs ?? 1500);
    const startDeadline = performance.now() + (opts.timeoutMs ?? 30_000);
    while (loop.acked.length < (opts.minAckedBeforeKill ?? 10)) {
      if (performance.now() > startDeadline)
        throw new Error(`only ${loop.acked.length} filings acknowledged before the kill`);
      await sleep(20);
    }
    const ackedBeforeKill = loop.acked.length;
    const killAt = performance.now();
    pair.killPrimary();
    await pair.promoteStandby();
    const promoteMs = performance.now() - killAt;
    const after = () => loop.acked.filter((a) => a.startedAt > killAt);
    const deadline = killAt + (opts.timeoutMs ?? 30_000);
    while (after().length < (opts.resumeCases ?? 20)) {
      if (performance.now() > deadline)
        throw new Error(
          `intake did not resume: ${after().length} filings acknowledged since the kill; errors: ${JSON.stringify([...loop.errors])}`,
        );
      await sleep(20);
    }
    await loop.stop();
    const first = Math.min(...after().map((a) => a.ackedAt));
    return {
      acked: loop.acked,
      killAt,
      ackedBeforeKill,
      promoteMs,
      recoveryMs: first - killAt,
      maxWaitMs: Math.max(...loop.acked.map((a) => a.ackedAt - a.firstTriedAt)),
      ratePerS: loop.acked.length / ((performance.now() - t0) / 1000),
      failedAttempts: loop.failedAttempts,
      errors: loop.errors,
    };
  } finally {
    loop.abandon();
  }
}

export interface FailoverCheck {
  /** Keys of acknowledged cases missing from the new primary (or there under another case number). */
  lost: string[];
  /** Idempotency keys that made more than one case. */
  duplicated: string[];
  /** Cases on the new primary. */
  cases: number;
  /** verifyEveryCaseReplays on the new primary. */
  replay: { checked: number; problems: string[] };
}

/** What the new primary (reached by `sql`, a connection to it alone) holds of the drill's cases. */
export async function checkAfterFailover(sql: PgSql, acked: readonly AckedCase[]): Promise<FailoverCheck> {
  const rows = await sql<Array<{ key: string; case_number: string }>>`
    select i.key, c.case_number from idempotency_keys i join cases c on c.id = i.case_id`;
  const byKey = new Map(rows.map((r) => [r.key, r.case_number]));
  const lost = acked.filter((a) => byKey.get(a.key) !== a.caseNumber).map((a) => a.key);
  const dup = await sql<Array<{ description: string }>>`
    select description from cases group by description having count(*) > 1`;
  const [{ n }] = await sql<[{ n: number }]>`select count(*)::bigint as n from cases`;
  return {
    lost,
    duplicated: dup.map((d) => d.description.replace('failover drill ', '')),
    cases: n,
    replay: await verifyEveryCaseReplays(new PgCaseStore({ sql })),
  };
}
