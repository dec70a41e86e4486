export * from './admin.js';
export * from './customers.js';
export * from './ingest.js';
export * from './pages.js';
export * from './segments.js';
export * from './tasks.js';
export * from './warnings.js';
export * from './dispatch.js';
