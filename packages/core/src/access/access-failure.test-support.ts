/** Test support: the AccessError a promise rejects with (the test fails if it resolves or throws anything else). */
import { expect } from 'vitest';
import { AccessError } from './errors.js';

export async function accessFailure(promise: Promise<unknown>, code?: AccessError['code']): Promise<AccessError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AccessError);
  if (code) expect((error as AccessError).code).toBe(code);
  return error as AccessError;
}
