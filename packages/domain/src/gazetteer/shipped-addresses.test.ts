import { describe, expect, it } from 'vitest';
import { createGridIndex } from '../grid/grid-index.ts';
import { loadShippedAddresses } from '../reference/addresses.ts';
import { loadShippedGrid } from '../reference/gazetteer.ts';
import { addressKey } from './address-import.ts';

describe('the shipped demo gazetteer', () => {
  const entries = loadShippedAddresses();
  it('has two compounds with four buildings each per community, and door numbers along the streets', () => {
    const communities = loadShippedGrid().communities.length;
    expect(entries.filter((e) => e.kind === 'compound')).toHaveLength(communities * 2);
    expect(entries.filter((e) => e.kind === 'building')).toHaveLength(communities * 8);
    expect(entries.filter((e) => e.kind === 'door').length).toBeGreaterThan(30);
  });
  it('places every entry inside the grid, once', () => {
    const index = createGridIndex(loadShippedGrid().cells);
    for (const e of entries) expect(index.locate(e).kind, e.name).toBe('cell');
    expect(new Set(entries.map(addressKey)).size).toBe(entries.length);
  });
});
