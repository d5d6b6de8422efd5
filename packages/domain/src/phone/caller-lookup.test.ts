import { describe, expect, it } from 'vitest';
import { callerLookupStatus } from './caller-lookup.ts';

describe('callerLookupStatus', () => {
  it('waits until seven digits are typed, whatever separates them', () => {
    expect(callerLookupStatus('')).toBe('incomplete');
    expect(callerLookupStatus('138 000')).toBe('incomplete');
    expect(callerLookupStatus('822-123')).toBe('incomplete');
  });

  it('accepts what the server stores: mobiles and landlines however they are written', () => {
    expect(callerLookupStatus('13800000001')).toBe('valid');
    expect(callerLookupStatus('+86 138-0000-0001')).toBe('valid');
    expect(callerLookupStatus('822 1234')).toBe('valid');
    expect(callerLookupStatus('0479 822 1234')).toBe('valid');
  });

  it('calls an impossible number invalid instead of looking it up', () => {
    expect(callerLookupStatus('0000000')).toBe('invalid');
    expect(callerLookupStatus('1380000000x1')).toBe('invalid');
    expect(callerLookupStatus('12345678901234')).toBe('invalid');
  });
});
