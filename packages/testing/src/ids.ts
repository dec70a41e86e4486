/** GraphQL global ids (Relay): `base64("Customer:42")`. Plugins and the tables use the numeric id. */

/** The global id the API uses for a numeric id: `globalId('Customer', 42)`. */
export function globalId(typename: string, id: number): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}

/** The numeric id inside a global id. */
export function localId(id: string): number {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const n = Number(decoded.slice(decoded.indexOf(':') + 1));
  if (!decoded.includes(':') || !Number.isSafeInteger(n)) throw new TypeError(`${JSON.stringify(id)} is not a global id of a numeric id`);
  return n;
}
