import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from './normalize-phone.ts';

describe('normalizePhoneNumber', () => {
  it('gives one form for a mobile number however it is written', () => {
    for (const raw of [
      '13800000001',
      '138 0000 0001',
      '138-0000-0001',
      '+86 138-0000-0001',
      '+8613800000001',
      '0086 13800000001',
      ' 138 0000 0001 ',
    ]) {
      expect(normalizePhoneNumber(raw), raw).toBe('13800000001');
    }
  });

  it('gives one form for a Xilinhot landline with or without the 0479 area code', () => {
    for (const raw of [
      '8221234',
      '822 1234',
      '0479 822 1234',
      '0479-8221234',
      '(0479)8221234',
      '+86 479 822 1234',
    ]) {
      expect(normalizePhoneNumber(raw), raw).toBe('4798221234');
    }
  });

  it('keeps the area code of landlines elsewhere in China', () => {
    expect(normalizePhoneNumber('010-62345678')).toBe('1062345678');
    expect(normalizePhoneNumber('0471 6661234')).toBe('4716661234');
  });

  it('keeps a foreign number in E.164 so it never collides with a Chinese one', () => {
    expect(normalizePhoneNumber('+976 9911 2233')).toBe('+97699112233');
  });

  it('refuses numbers that cannot be a caller', () => {
    for (const raw of [
      '0000000',
      '00000000',
      '0479 0000000',
      '1390000000',
      '138000000011',
      '12319',
      '123',
      '',
      'call me',
      '138 0000 000x',
    ]) {
      expect(normalizePhoneNumber(raw), raw).toBeNull();
    }
  });
});
