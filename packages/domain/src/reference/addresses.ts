import addressesDoc from './data/addresses.json' with { type: 'json' };
import { ADDRESS_KINDS, type AddressEntry, type AddressKind } from '../gazetteer/address-import.ts';

const isAddressKind = (k: string): k is AddressKind => (ADDRESS_KINDS as readonly string[]).includes(k);

/**
 * The seed of the city's own gazetteer shipped with the code (compounds, buildings, door numbers over
 * the generated grid; see `scripts/generate-addresses.ts`), written into a new database once. Each
 * entry's kind is checked as the file is read.
 */
export function loadShippedAddresses(): AddressEntry[] {
  return addressesDoc.entries.map((e) => {
    if (!isAddressKind(e.kind)) throw new Error(`addresses.json: "${e.name}" has unknown kind "${e.kind}"`);
    return { kind: e.kind, name: e.name, address: e.address, lng: e.lng, lat: e.lat };
  });
}
