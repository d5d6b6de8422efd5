import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.ts';

describe('isDatabaseUnavailable', () => {
  const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
  it('knows a connection that failed, a server shutting down or crashed, and looks through causes', () => {
    for (const code of ['ECONNREFUSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '08006', '57P01', '57P03'])
      expect(isDatabaseUnavailable(err(code)), code).toBe(true);
    expect(isDatabaseUnavailable(err('SERVICE_UNAVAILABLE', err('ECONNRESET')))).toBe(true);
  });
  it('leaves every other failure alone', () => {
    for (const code of ['23505', '40001', '57014', 'SQLITE_BUSY', 'BAD_INPUT'])
      expect(isDatabaseUnavailable(err(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('x'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
