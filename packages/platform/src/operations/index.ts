/**
 * What operators run the server with, apart from GraphQL: `/ready`, GraphiQL's own assets, and (later in
 * this module) metrics and traces. `startServer` asks `handle` first for every HTTP request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { serveGraphiQLAsset } from './graphiql.js';
import { answerReadiness, readinessProbe } from './ready.js';

export { renderGraphiQLPage } from './graphiql.js';
export type { Readiness } from './ready.js';

export interface OperationsOptions {
  database: Database;
  plugins?: PluginHost;
}

export function operationsEndpoints(options: OperationsOptions) {
  const ready = readinessProbe(options.database, options.plugins);
  return {
    /** Answers the request when it is one of these endpoints; false leaves it to GraphQL. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.url === '/ready') {
        void answerReadiness(ready, res);
        return true;
      }
      return serveGraphiQLAsset(req, res);
    },
  };
}
