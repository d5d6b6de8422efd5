/**
 * Setup file of the `postgres` test project: after each test file (its own `afterAll` hooks, which
 * stop its servers, run first), stop the throwaway PostgreSQL cluster the file's servers used, so
 * no cluster outlives its file.
 */
import { afterAll } from 'vitest';
import { stopTestCluster } from './in-process.ts';

afterAll(stopTestCluster);
