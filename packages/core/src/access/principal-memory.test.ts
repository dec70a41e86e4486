import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../clock.js';
import { forgetRememberedPrincipals, PRINCIPAL_MEMORY_MS, PrincipalMemory, type CheckedCredential } from './principal-memory.js';

const T0 = Date.parse('2026-11-15T04:00:00Z');
const principal = { kind: 'admin', actor: 'key:abc' } as const;

function setup(checked: CheckedCredential = { principal }) {
  let now = T0;
  const clock: Clock = { now: () => new Date(now) };
  const check = vi.fn(async () => checked);
  const memory = new PrincipalMemory();
  return { memory, check, clock, recall: (token = 'wx_a') => memory.recall(token, clock, check), advance: (ms: number) => void (now += ms) };
}

afterEach(() => vi.useRealTimers());

describe('PrincipalMemory', () => {
  it('checks a credential once while remembered, once for concurrent requests, and per token', async () => {
    const { check, recall } = setup();
    await Promise.all([recall(), recall(), recall()]);
    expect(await recall()).toEqual(principal);
    expect(check).toHaveBeenCalledTimes(1);
    await recall('wx_b');
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('checks again once the platform clock has moved on by the memory time, or back', async () => {
    const { check, recall, advance } = setup();
    await recall();
    advance(PRINCIPAL_MEMORY_MS - 1);
    await recall();
    expect(check).toHaveBeenCalledTimes(1);
    advance(1);
    await recall();
    expect(check).toHaveBeenCalledTimes(2);
    advance(-1);
    await recall();
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('checks again after the memory time of wall-clock time even when the platform clock stands still', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { check, recall } = setup();
    await recall();
    vi.advanceTimersByTime(PRINCIPAL_MEMORY_MS - 1);
    await recall();
    expect(check).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    await recall();
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('never remembers past the credential expiry, nor a failure, nor across a revocation in this process', async () => {
    const expiring = setup({ principal, expiresAt: new Date(T0 + 10) });
    await expiring.recall();
    expiring.advance(10);
    await expiring.recall();
    expect(expiring.check).toHaveBeenCalledTimes(2);

    const { memory, clock, recall, check } = setup();
    const refused = vi.fn(async (): Promise<CheckedCredential> => Promise.reject(new Error('revoked_key')));
    await expect(memory.recall('wx_bad', clock, refused)).rejects.toThrow('revoked_key');
    await expect(memory.recall('wx_bad', clock, refused)).rejects.toThrow('revoked_key');
    expect(refused).toHaveBeenCalledTimes(2);

    await recall();
    forgetRememberedPrincipals();
    await recall();
    expect(check).toHaveBeenCalledTimes(2);
  });
});
