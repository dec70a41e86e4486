import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * The built console's folder: WEIXI_CONSOLE_DIR, else `examples/console/dist` of this checkout when it was
 * built (`pnpm console:build`); from `src/` and from `dist/` alike that is three folders up.
 */
export function consoleDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.WEIXI_CONSOLE_DIR || fileURLToPath(new URL('../../../examples/console/dist', import.meta.url));
}

/**
 * Serves a folder of static files (a built web UI such as examples/console) under `prefix`, GET and HEAD only,
 * never outside the folder; `index.html` for the folder itself. Returns undefined when `dir` is unset or not a
 * folder, so the server serves nothing extra. The files need no credential: they are the public page, which
 * then calls `/graphql` with its own.
 */
export function staticFiles(dir: string | undefined, prefix: string): ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined {
  if (!dir) return undefined;
  const root = resolve(dir);
  try {
    if (!statSync(root).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return false;
    if (path === prefix) {
      res.writeHead(301, { location: `${prefix}/` }).end();
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(prefix.length + 1)) || 'index.html';
    } catch {
      res.writeHead(400).end();
      return true;
    }
    const file = resolve(join(root, relative));
    let size = -1;
    try {
      if (file.startsWith(root + sep)) {
        const stat = statSync(file);
        if (stat.isFile()) size = stat.size;
      }
    } catch {
      // not there
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return true;
    }
    const immutable = relative.startsWith('assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      // The page may load and call nothing but this origin (no CDN, no third party), and is never framed.
      ...(extname(file) === '.html' ? { 'content-security-policy': CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' } : {}),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
