/** The allow-list of publishers whose signed plugins install without `allowUnsigned`. */
import { asc, eq } from 'drizzle-orm';
import { InputError, NotFoundError } from '@weixi/core';
import { trustedPublishers, type Db } from '@weixi/db';
import { keyIdOf, parsePublicKey, type TrustedPublisher } from './signature.js';

export type TrustedPublisherRow = typeof trustedPublishers.$inferSelect;

/** Adds (or renames) a publisher key; `publicKey` is an ed25519 SPKI PEM, as `weixi plugin keygen` writes. */
export async function trustPublisher(db: Db, input: { publisher: string; publicKey: string; by: string }): Promise<TrustedPublisherRow> {
  const publisher = input.publisher.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/.test(publisher)) throw new InputError([{ path: 'publisher', message: 'must be 1 to 100 letters, digits, . _ @ or -, e.g. "acme-telecom"' }]);
  try {
    parsePublicKey(input.publicKey);
  } catch (error) {
    throw new InputError([{ path: 'publicKey', message: `${(error as Error).message}; give the public key PEM (-----BEGIN PUBLIC KEY-----)` }]);
  }
  const keyId = keyIdOf(input.publicKey);
  const values = { keyId, publisher, publicKey: input.publicKey.trim(), addedBy: input.by };
  const [row] = await db.insert(trustedPublishers).values(values).onConflictDoUpdate({ target: trustedPublishers.keyId, set: { publisher, addedBy: input.by } }).returning();
  return row!;
}

export async function untrustPublisher(db: Db, keyId: string): Promise<TrustedPublisherRow> {
  const [row] = await db.delete(trustedPublishers).where(eq(trustedPublishers.keyId, keyId)).returning();
  if (!row) throw new NotFoundError('trusted publisher key', keyId, 'keyId');
  return row;
}

export async function listTrustedPublishers(db: Db): Promise<TrustedPublisherRow[]> {
  return db.select().from(trustedPublishers).orderBy(asc(trustedPublishers.publisher), asc(trustedPublishers.keyId));
}

export async function trustedKeys(db: Db): Promise<TrustedPublisher[]> {
  return (await listTrustedPublishers(db)).map((r) => ({ publisher: r.publisher, publicKey: r.publicKey }));
}
