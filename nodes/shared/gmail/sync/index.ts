// Gmail sync: the engine (runGmailSync), its cursor, fetching, and the editor options.
export * from './cursor';
export * from './engine';
export * from './options';
export * from './pollPlan';
export * from './sample';
