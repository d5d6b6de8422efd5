import { describe, expect, it } from 'vitest';
import { followUpsOf } from './follow-ups.ts';

describe('followUpsOf', () => {
  it('makes the original record a call merged into it', () => {
    expect(followUpsOf('20261202-0002', { type: 'merge', targetCaseNumber: '20261202-0001' })).toEqual([
      {
        caseNumber: '20261202-0001',
        action: { type: 'link_duplicate', duplicateCaseNumber: '20261202-0002' },
      },
    ]);
  });

  it('asks nothing of other cases for any other action', () => {
    expect(followUpsOf('20261202-0002', { type: 'accept' })).toEqual([]);
    expect(followUpsOf('20261202-0002', { type: 'close' })).toEqual([]);
  });
});
