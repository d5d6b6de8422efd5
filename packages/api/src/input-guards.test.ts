import { describe, expect, it } from 'vitest';
import { DomainError } from '@citygrid/domain';
import { nulFieldOf, refuseNul } from './input-guards.ts';

describe('the NUL guard (PostgreSQL stores no U+0000 in text or jsonb)', () => {
  it('names the first field holding a NUL, in values, nested values, arrays and keys', () => {
    expect(nulFieldOf({ limit: 10, target: '\u0000' })).toBe('target');
    expect(nulFieldOf({ location: { address: 'a\u0000b' } })).toBe('location.address');
    expect(nulFieldOf({ attachments: ['ok', 'x\u0000'] })).toBe('attachments.1');
    expect(nulFieldOf({ 'ke\u0000y': 1 })).toBe('ke\u0000y');
    expect(nulFieldOf('\u0000')).toBe('(input)');
  });

  it('lets everything else through, Chinese and Mongolian script and other control characters included', () => {
    expect(nulFieldOf({ d: '垃圾箱满溢 ᠰᠢᠯᠢ\u0001\t\n', n: 3, b: true, z: null, u: undefined })).toBeNull();
    expect(nulFieldOf(undefined)).toBeNull();
    expect(() => refuseNul({ ok: 'fine' })).not.toThrow();
  });

  it('refuses with BAD_INPUT naming the field', () => {
    const e = (() => {
      try {
        refuseNul({ description: 'a\u0000' });
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'BAD_INPUT', details: { field: 'description' } });
  });
});
