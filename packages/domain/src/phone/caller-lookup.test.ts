import { describe, expect, it } from 'vitest';
import { isCallerLookupReady } from './caller-lookup.ts';
import { normalizePhoneNumber } from './normalize-phone.ts';

describe('isCallerLookupReady', () => {
  it('waits until seven digits are typed, whatever separates them', () => {
    expect(isCallerLookupReady('')).toBe(false);
    expect(isCallerLookupReady('138 000')).toBe(false);
    expect(isCallerLookupReady('822-123')).toBe(false);
    expect(isCallerLookupReady('822-1234')).toBe(true);
    expect(isCallerLookupReady('+86 138-0000-0001')).toBe(true);
  });

  it('is ready for every number the server can store, even the shortest local one', () => {
    for (const raw of ['8221234', '13800000001', '0479 822 1234', '+97699112233']) {
      expect(normalizePhoneNumber(raw)).not.toBeNull();
      expect(isCallerLookupReady(raw)).toBe(true);
    }
  });
});
