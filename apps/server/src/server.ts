import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  createServices,
  seedDemoUsers,
  seedHistory,
  seedReferenceData,
  sha256,
  type CitizenOptions,
  type Clock,
  type DemoUser,
  type Services,
} from '@citygrid/api';
import { openDatabase, openPgStores, sqliteStores, type CityStores } from '@citygrid/db';
import { createApp, type NodeLifecycle } from './app.ts';
import type { ServerConfig } from './env.ts';
import { createHttpServer } from './http-server.ts';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  server: Server;
  /** Demo accounts created by this start (null when the database already had users). */
  createdUsers: DemoUser[] | null;
  close(): Promise<void>;
}

/** The citizen channel's settings from the validated configuration. */
export function citizenOptions(config: ServerConfig): CitizenOptions {
  return {
    publicUrl: config.PUBLIC_URL,
    sms:
      config.SMS_PROVIDER === 'http'
        ? {
            provider: 'http',
            url: config.SMS_HTTP_URL,
            ...(config.SMS_HTTP_TOKEN ? { token: config.SMS_HTTP_TOKEN } : {}),
            signName: config.SMS_SIGN_NAME,
            templates: config.SMS_TEMPLATES,
          }
        : { provider: 'sink' },
    limits: {
      reportsPerIpPerHour: config.CITIZEN_REPORTS_PER_IP_PER_HOUR,
      reportsPerPhonePerDay: config.CITIZEN_REPORTS_PER_PHONE_PER_DAY,
      photosPerIpPerHour: config.CITIZEN_PHOTOS_PER_IP_PER_HOUR,
    },
    limiterStore: config.RATE_LIMIT_STORE,
  };
}

const FAST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/**
 * Open and migrate the database, seed an empty one (reference data, demo users, Open311 demo key,
 * history), and serve. Used by `pnpm start` and by the integration tests (port 0).
 */
export async function startServer(
  config: ServerConfig,
  opts: { clock?: Clock; log?: (s: string) => void } = {},
): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const stores: CityStores = config.DATABASE_URL
    ? await openPgStores(config.DATABASE_URL, {
        max: config.DATABASE_POOL,
        ...(config.DATABASE_READ_URL ? { historyUrl: config.DATABASE_READ_URL } : {}),
      })
    : sqliteStores(
        openDatabase(config.DATABASE_PATH, {
          synchronous: config.DB_SYNCHRONOUS,
          checkpoint: config.DB_CHECKPOINT,
        }),
      );
  const now = () => (opts.clock ?? { now: () => new Date() }).now();
  // several nodes may start at once on one empty PostgreSQL database: one seeds, the others wait
  const { services, createdUsers } = await stores.exclusive(async () => {
    const seededReference = await seedReferenceData(stores.reference, now().toISOString());
    if (seededReference)
      log(
        'seeded reference data: Xilinhot grid (45 communities, 180 cells), 17 departments, 26 units, categories, routing rules, calendar',
      );
    const services = await createServices({
      stores,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(config.ARGON2_FAST ? { argon2: FAST_ARGON2 } : {}),
      citizen: citizenOptions(config),
      mapMarkerLimit: config.MAP_MARKER_LIMIT,
    });
    const createdUsers = await seedDemoUsers(
      services.users,
      services.auth,
      services.reference.snapshot.units,
      now().toISOString(),
    );
    await services.users.addApiKey({
      keyHash: sha256(config.OPEN311_DEMO_KEY),
      name: 'demo',
      createdAt: now().toISOString(),
    });
    if (seededReference && config.SEED_HISTORY_CASES > 0) {
      const t0 = Date.now();
      let lastPct = -1;
      await seedHistory(services.cases, services.reference, {
        count: config.SEED_HISTORY_CASES,
        days: config.SEED_HISTORY_DAYS,
        now: now(),
        onProgress: (done, total) => {
          const pct = Math.floor((100 * done) / total);
          if (pct !== lastPct && pct % 10 === 0) log(`seeding history: ${done}/${total} cases (${pct}%)`);
          lastPct = pct;
        },
      });
      log(
        `seeded ${config.SEED_HISTORY_CASES} cases of history in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    return { services, createdUsers };
  });
  const stopHousekeeping = services.auth.startHousekeeping(config.SESSION_PURGE_INTERVAL_MS, (e) =>
    console.error('session purge failed:', e),
  );
  services.citizen.sender.start();
  const lifecycle: NodeLifecycle = { draining: false, eventStreams: new Set() };
  const app = createApp(services, config, lifecycle);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app).listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return {
    url: `http://${host}:${port}`,
    port,
    services,
    server,
    createdUsers,
    close: async () => {
      // 1. tell the balancer (health 503) while still serving, so new work goes to other nodes
      lifecycle.draining = true;
      if (config.DRAIN_GRACE_MS > 0) await new Promise((r) => setTimeout(r, config.DRAIN_GRACE_MS));
      // 2. stop taking connections; end the live streams, whose clients reconnect through the
      //    balancer to another node and resume from their Last-Event-ID
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // cut the streams rather than end them: an ended tRPC subscription counts as complete and
      // would not come back, a cut one reconnects (to another node behind the balancer)
      for (const socket of lifecycle.eventStreams) socket.destroy();
      services.live.close();
      // a keep-alive connection becomes idle once its request is answered: close those as they come
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      // 3. let in-flight requests (a filing waiting for its commit) finish, then cut what is left
      const cut = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
      await closed;
      clearTimeout(cut);
      clearInterval(sweep);
      stopHousekeeping();
      await services.close();
      await stores.close();
    },
  };
}
