// The unified campaign: model, validation, mapping to Google (mutates) and from Google (GAQL rows).
export * from './model';
export * from './validation';
export * from './toGoogle';
export * from './fromGoogle';
