// Dropdown loaders any node can use: `methods = { loadOptions }` for all of them, or one by name.
import * as loadOptions from './loadOptions';

export { loadOptions };
export * from './loadOptions';
