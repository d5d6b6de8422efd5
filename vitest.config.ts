import { defineConfig } from 'vitest/config';

// One runner for the whole workspace; each project is a test level.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/server/src/**/*.test.ts',
            'apps/web/src/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // the closed loop and the reliability suite again, on PostgreSQL (a throwaway cluster per file)
        test: {
          name: 'postgres',
          include: [
            'apps/server/src/lifecycle.test.ts',
            'apps/server/src/access.test.ts',
            'apps/server/src/intake-plan.test.ts',
            'apps/server/src/open311-fixmystreet.test.ts',
            'apps/server/src/admin-console.test.ts',
            'apps/server/src/admin-dashboard.test.ts',
            'apps/server/src/gazetteer.test.ts',
            'apps/server/src/grid-import.test.ts',
            'apps/server/src/error-codes.test.ts',
            'tests/reliability/concurrency-model.test.ts',
            'tests/reliability/idempotency.test.ts',
            'tests/reliability/access-matrix.test.ts',
            'tests/reliability/bad-input-fuzz.test.ts',
            'tests/reliability/live-restart.test.ts',
          ],
          env: { CITYGRID_TEST_BACKEND: 'postgres' },
          setupFiles: ['apps/server/src/testing/postgres-teardown.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['apps/web/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
