import { describe, expect, it, vi } from 'vitest';
import { pgTestEnv } from './env.ts';
import { pgTestAvailability } from './test-cluster.ts';

describe('PostgreSQL test availability', () => {
  it('skips with a message naming the package when the server is missing outside CI', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const r = pgTestAvailability({ bin: null, ci: false });
    expect(r).toEqual({ available: false, reason: expect.stringContaining('apt-get install postgresql') });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('PostgreSQL tests skipped'));
    warn.mockRestore();
  });

  it('fails under CI when the server is missing, instead of skipping', () => {
    expect(() => pgTestAvailability({ bin: null, ci: true })).toThrow(/CI must install postgresql/);
  });

  it('reads CI and PG_BIN from the environment', () => {
    expect(pgTestEnv({ CI: 'true', PG_BIN: ' /opt/pg/bin ' })).toEqual({ ci: true, pgBin: '/opt/pg/bin' });
    expect(pgTestEnv({})).toEqual({ ci: false, pgBin: null });
  });
});
