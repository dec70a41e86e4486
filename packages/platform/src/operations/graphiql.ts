/**
 * GraphiQL from this server's own assets, never a CDN: yoga's default page loads its bundle from unpkg, so
 * on an intranet without internet it stays at "Loading..." forever. The page is a few hundred bytes that
 * name `/graphiql/*` on this server; the bundle (`@graphql-yoga/render-graphiql`, about 9 MB with the
 * Monaco workers) is read from the package on the first GraphiQL request, not at start.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphiQLOptions } from 'graphql-yoga';

export const GRAPHIQL_ASSETS = '/graphiql/';

interface Asset {
  type: string;
  body: Buffer;
}

let loading: Promise<{ assets: Map<string, Asset>; version: string }> | undefined;

function bundle() {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((m) => {
    const text = (type: string, body: string): Asset => ({ type, body: Buffer.from(body) });
    const assets = new Map<string, Asset>([
      ['graphiql.js', text('application/javascript; charset=utf-8', m.js)],
      ['graphiql.css', text('text/css; charset=utf-8', m.css)],
      ['editor.worker.js', text('application/javascript; charset=utf-8', m.editorWorkerService)],
      ['json.worker.js', text('application/javascript; charset=utf-8', m.jsonWorker)],
      ['graphql.worker.js', text('application/javascript; charset=utf-8', m.graphqlWorker)],
      ['favicon.ico', { type: 'image/x-icon', body: Buffer.from(m.favicon.slice(m.favicon.indexOf(',') + 1), 'base64') }],
    ]);
    // In every asset URL, so a browser may keep them for a year and still sees a new bundle at once.
    const version = createHash('sha256').update(m.js).update(m.css).digest('hex').slice(0, 12);
    return { assets, version };
  });
  return loading;
}

/** Yoga's `renderGraphiQL`: the page, with its script, style, workers and icon on this server. */
export async function renderGraphiQLPage(options: GraphiQLOptions = {}): Promise<string> {
  const { version } = await bundle();
  const asset = (name: string) => `${GRAPHIQL_ASSETS}${version}/${name}`;
  // `<` escaped so no option text can close the script element.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  const title = (options.title ?? 'GraphiQL').replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${asset('favicon.ico')}" />
    <link rel="stylesheet" href="${asset('graphiql.css')}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (moduleId, label) => ${json({ editorWorkerService: asset('editor.worker.js'), json: asset('json.worker.js'), graphql: asset('graphql.worker.js') })}[label],
      };
    </script>
    <script src="${asset('graphiql.js')}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${json(options)});
    </script>
  </body>
</html>
`;
}

/** Answers `GET /graphiql/<version>/<name>`; false for any other request (left to the caller). */
export function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0]!;
  if (!path.startsWith(GRAPHIQL_ASSETS) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  void bundle().then(
    ({ assets, version }) => {
      const [asked, name] = path.slice(GRAPHIQL_ASSETS.length).split('/');
      const asset = name ? assets.get(name) : undefined;
      if (!asset) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': asset.type,
        'content-length': asset.body.length,
        'cache-control': asked === version ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
    },
    (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`GraphiQL assets unavailable: ${(error as Error).message}`),
  );
  return true;
}
