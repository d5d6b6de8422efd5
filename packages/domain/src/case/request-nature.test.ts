import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_NATURE, isRequestNature, REQUEST_NATURES } from './request-nature.ts';

describe('request natures', () => {
  it('lists the six natures once, complaints first and the default', () => {
    expect(REQUEST_NATURES).toEqual(['complaint', 'enquiry', 'help', 'report', 'suggestion', 'praise']);
    expect(new Set(REQUEST_NATURES).size).toBe(REQUEST_NATURES.length);
    expect(DEFAULT_REQUEST_NATURE).toBe('complaint');
  });

  it('recognises a nature and refuses anything else', () => {
    expect(isRequestNature('help')).toBe(true);
    expect(isRequestNature('Help')).toBe(false);
    expect(isRequestNature('')).toBe(false);
  });
});
