/**
 * The request body's size limit, in place of yoga's own (`maxRequestBodySize: false`). Yoga pipes every
 * body through a web TransformStream to count its bytes: a pipeline, an AbortController and a DOMException
 * a request, about 5% of a page request's CPU. A body with a valid Content-Length needs none of it: Node's
 * HTTP parser reads exactly that many bytes, so checking the header bounds the body. Only a body without
 * one (chunked) is counted as it is read, as yoga does. Same errors as yoga's: 413 REQUEST_ENTITY_TOO_LARGE,
 * 400 BAD_REQUEST for a malformed Content-Length.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Yoga's default. */
export const DEFAULT_MAX_REQUEST_BYTES = 25_000_000;

const tooLarge = () => new GraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });

/** One non-negative integer; anything else (as in request-smuggling attempts) is refused. */
const CONTENT_LENGTH = /^\d+$/;

/** Put last among the plugins: it wraps whichever request parser was chosen. */
export function useRequestBodyLimit(max = DEFAULT_MAX_REQUEST_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) {
          throw new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        }
        if (Number(length) > max) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(counted(req, max, fetchAPI)));
    },
  };
}

type FetchApi = Parameters<NonNullable<Plugin['onRequestParse']>>[0]['fetchAPI'];

/** The request with its body counted as it streams, failing past `max` bytes. */
function counted(request: Request, max: number, fetchAPI: FetchApi): Request {
  // As yoga does: a native body needs the native TransformStream, the server adapter's its own.
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > max) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}
