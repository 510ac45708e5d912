// Dropdown loaders any node can use: `methods = { loadOptions }` for all of them, or one by name.
import * as loadOptions from './loadOptions';
import { searchAdsLocations } from './adsTargeting';

/** Searchable dropdowns (resource locators in list mode). */
export const listSearch = { searchAdsLocations };

export { loadOptions };
export * from './loadOptions';
