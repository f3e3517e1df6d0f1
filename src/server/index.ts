/** The Bulkhead server: API, storage, jobs, rescans. See README.md. */
export { startServer, runWorker, parseListen } from './server.js';
export type { ServerOptions, RunningServer, WorkerOptions, RunningWorker } from './server.js';
export { openApiDocument, writeOpenApiDocument, buildApp } from './app.js';
export { openStore, migrate } from './store/index.js';
export type { Store } from './store/index.js';
export { rescanAll, rescanIfDbChanged } from './rescan/rescan.js';
export { pollRegistry, pollDue } from './rescan/watch.js';
