import { describe, expect, it } from 'vitest';
import { matchesFilters, NO_FILTERS, toCaseFilter } from './map-filters';

const c = { hotlineCategory: 'env', unitCode: 'U09', communityCode: '152502001001', state: 'dispatched' };

describe('the command map filters', () => {
  it('ask the server for nothing and match every case when all are "all"', () => {
    expect(toCaseFilter(NO_FILTERS)).toEqual({});
    expect(matchesFilters(c, NO_FILTERS)).toBe(true);
    expect(matchesFilters({ ...c, unitCode: null, communityCode: null }, NO_FILTERS)).toBe(true);
  });

  it('send each chosen select, the state as a one-state list', () => {
    expect(
      toCaseFilter({
        hotlineCategory: 'env',
        unitCode: 'U09',
        communityCode: '152502001001',
        state: 'parked',
      }),
    ).toEqual({
      hotlineCategory: 'env',
      unitCode: 'U09',
      communityCode: '152502001001',
      states: ['parked'],
    });
  });

  it('match a case only when every chosen select agrees', () => {
    expect(matchesFilters(c, { ...NO_FILTERS, unitCode: 'U09', state: 'dispatched' })).toBe(true);
    expect(matchesFilters(c, { ...NO_FILTERS, unitCode: 'U01' })).toBe(false);
    expect(matchesFilters(c, { ...NO_FILTERS, hotlineCategory: 'traffic' })).toBe(false);
    expect(matchesFilters(c, { ...NO_FILTERS, communityCode: '152502001002' })).toBe(false);
    expect(matchesFilters(c, { ...NO_FILTERS, state: 'accepted' })).toBe(false);
    // a case not yet dispatched has no unit: a unit filter leaves it out
    expect(matchesFilters({ ...c, unitCode: null }, { ...NO_FILTERS, unitCode: 'U09' })).toBe(false);
  });
});
