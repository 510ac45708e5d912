// Google Ads pure logic: customer ids, API version, the unified campaign, GAQL, conversions.
export * from './errors';
export * from './customerId';
export * from './version';
export * from './campaign';
export * from './gaql';
export * from './conversions';
export * from './customers';
