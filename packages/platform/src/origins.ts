/**
 * Which web pages and host names may reach the server. Credentials travel in the Authorization header, never
 * in cookies, so CORS is off unless origins are listed, and a listed origin is allowed without credentials.
 * On a loopback address the Host header must name this machine (or a configured name): a page on another
 * site that rebinds its DNS name to 127.0.0.1 sends its own name as Host and is refused (DNS rebinding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerOptions } from 'graphql-yoga';

export interface OriginOptions {
  /** Web origins allowed to call the API from a browser (`https://crm.example`); none by default. */
  cors?: { origins: string[] };
  /** Host names the server answers to besides localhost, 127.0.0.1 and [::1] (checked on loopback binds, and on any bind when set). */
  allowedHosts?: string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** yoga's `cors` option: false unless origins are listed; listed ones without credentials. */
export function corsOption(options: OriginOptions): YogaServerOptions<object, object>['cors'] {
  const origins = options.cors?.origins ?? [];
  if (origins.length === 0) return false;
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !origins.includes(origin)) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    };
  };
}

/** A check of the Host header for a server bound to `bindHost`, or undefined when none applies. */
export function hostCheck(bindHost: string, options: OriginOptions): ((req: IncomingMessage) => boolean) | undefined {
  const configured = (options.allowedHosts ?? []).map((h) => h.toLowerCase());
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(bindHost) || bindHost.startsWith('127.');
  if (!loopback && configured.length === 0) return undefined;
  const allowed = new Set([...LOOPBACK_NAMES, ...configured]);
  return (req) => {
    const host = (req.headers.host ?? '').toLowerCase();
    // Strip the port: `[::1]:4000`, `localhost:4000`.
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    return allowed.has(name);
  };
}

/** The answer to a request whose Host is not one of ours. */
export function refuseHost(res: ServerResponse): void {
  const body = {
    errors: [{ message: 'this server does not answer to that Host name; add it to WEIXI_ALLOWED_HOSTS if it is yours', extensions: { code: 'FORBIDDEN', reason: 'unknown_host' } }],
  };
  res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
