export type * from './types.ts';
export { HOTLINE_CATEGORY_CODES } from './types.ts';
export { loadReferenceOrganisations, parseOrganisations } from './organisations.ts';
export { loadReferenceCategories, parseCategories } from './categories.ts';
export { loadReferenceRoutingRules, parseRoutingRules } from './routing-rules.ts';
export { loadShippedGazetteer, loadShippedGrid, searchGazetteer } from './gazetteer.ts';
export type { GazetteerEntry } from './gazetteer.ts';
export { normalizeCategoryQuery, searchCategories } from './category-search.ts';
export type {
  CategorySearchItem,
  CategorySearchOptions,
  CategorySearchResult,
  SearchableClass,
} from './category-search.ts';
export { loadShippedAddresses } from './addresses.ts';
