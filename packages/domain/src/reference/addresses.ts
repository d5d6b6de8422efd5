import addressesDoc from './data/addresses.json' with { type: 'json' };
import type { AddressEntry } from '../gazetteer/address-import.ts';

/**
 * The seed of the city's own gazetteer shipped with the code (compounds, buildings, door numbers over
 * the generated grid; see `scripts/generate-addresses.ts`), written into a new database once.
 */
export function loadShippedAddresses(): AddressEntry[] {
  return (addressesDoc as unknown as { entries: AddressEntry[] }).entries;
}
