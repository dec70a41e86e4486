export { startServer, type WeixiServer, type WeixiServerOptions } from './server.js';
export { createLogger, type Logger } from './log.js';
