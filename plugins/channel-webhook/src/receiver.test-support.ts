/**
 * A webhook receiver for tests: a real HTTP server on an ephemeral port that checks each request's
 * signature independently of the plugin's code, records what it got, and answers as scripted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The signature matched the raw body and timestamp under the secret. */
  signed: boolean;
}

/** An answer: a status and body, or `hang` to never answer (a timeout). */
export type Answer = { status: number; body?: string } | 'hang';

/** How a receiver verifies a request, as the README shows it. */
export function verified(secret: string, headers: IncomingHttpHeaders, raw: string): boolean {
  const timestamp = String(headers['x-weixi-timestamp'] ?? '');
  const given = Buffer.from(String(headers['x-weixi-signature'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(secret: string) {
  const received: Received[] = [];
  const script: Answer[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, signed: verified(secret, req.headers, raw) });
      const answer = script.shift() ?? { status: 200, body: JSON.stringify({ id: `push-${++served}` }) };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`,
    received,
    /** The next answers, in order; after them each request gets 200 with `{"id":"push-<n>"}`. */
    answer: (...answers: Answer[]) => void script.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
