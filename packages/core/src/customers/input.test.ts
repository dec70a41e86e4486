import { describe, expect, it } from 'vitest';
import { normaliseMsisdn } from './input.js';

describe('normaliseMsisdn', () => {
  it('keeps 6 to 15 digits as they are, drops spaces, dashes and a leading +, and refuses the rest', () => {
    expect(normaliseMsisdn('13800000001')).toBe('13800000001');
    expect(normaliseMsisdn('123456')).toBe('123456');
    expect(normaliseMsisdn('123456789012345')).toBe('123456789012345');
    expect(normaliseMsisdn('+86 138-0000-0001')).toBe('8613800000001');
    expect(normaliseMsisdn('12345')).toBeUndefined();
    expect(normaliseMsisdn('1234567890123456')).toBeUndefined();
    expect(normaliseMsisdn('１３８００００００１')).toBeUndefined();
    expect(normaliseMsisdn('13800x00001')).toBeUndefined();
    expect(normaliseMsisdn('')).toBeUndefined();
  });
});
