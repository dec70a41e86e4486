import { describe, expect, it } from 'vitest';
import { globalId, localId } from './ids.js';

describe('global ids', () => {
  it('round-trips the API\'s Relay ids', () => {
    expect(globalId('Customer', 42)).toBe(Buffer.from('Customer:42').toString('base64'));
    expect(localId(globalId('RetentionTask', 7))).toBe(7);
    expect(() => localId('bm9wZQ==')).toThrow('"bm9wZQ==" is not a global id of a numeric id');
  });
});
