export {
  ADDRESS_KINDS,
  MAX_ADDRESS_ROWS,
  addressKey,
  parseAddressCsv,
  parseAddressGeoJson,
  parseAddressUpload,
} from './address-import.ts';
export type {
  AddressEntry,
  AddressField,
  AddressImport,
  AddressIssue,
  AddressIssueCode,
  AddressKind,
  ParsedAddressRow,
} from './address-import.ts';
export { nearestAddress, roundDistanceM } from './nearest-address.ts';
