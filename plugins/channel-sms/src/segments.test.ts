import { describe, expect, it } from 'vitest';
import { GSM, UCS2, segment } from './segments.js';

const udhOf = (part: Buffer) => [...part.subarray(0, 6)];
const ucs2 = (part: Buffer, header = 6) => Buffer.from(part.subarray(header)).swap16().toString('utf16le');

describe('segment', () => {
  it('keeps a GSM text of 160 septets whole and splits 161 into 153 + 8 under one reference', () => {
    expect(segment('a'.repeat(160), 1)).toEqual({ dataCoding: GSM, parts: [Buffer.from('a'.repeat(160))] });
    const { dataCoding, parts } = segment('a'.repeat(161), 9);
    expect(dataCoding).toBe(GSM);
    expect(parts.map((p) => [udhOf(p), p.length - 6])).toEqual([
      [[0x05, 0x00, 0x03, 9, 2, 1], 153],
      [[0x05, 0x00, 0x03, 9, 2, 2], 8],
    ]);
  });

  it('counts an extension character as two septets and never splits its escape', () => {
    // 152 septets, then € (escape + code) would straddle the 153rd septet: it moves to the next part
    const { parts } = segment(`${'a'.repeat(152)}€${'b'.repeat(20)}`, 0);
    expect(parts.map((p) => p.length - 6)).toEqual([152, 22]);
    expect(parts[1]![6]).toBe(0x1b);
    expect(segment('{'.repeat(80), 0).parts).toHaveLength(1); // 160 septets
    expect(segment('{'.repeat(81), 0).parts).toHaveLength(2);
  });

  it('sends text with any non-GSM character as UCS-2: 70 characters whole, 67 a part', () => {
    expect(segment('好'.repeat(70), 0)).toEqual({ dataCoding: UCS2, parts: [Buffer.from('好'.repeat(70), 'utf16le').swap16()] });
    expect(segment('Price: 5`', 0).dataCoding).toBe(UCS2); // a backtick has no GSM code
    const { parts } = segment('好'.repeat(71), 200);
    expect(parts.map((p) => [udhOf(p), ucs2(p)])).toEqual([
      [[0x05, 0x00, 0x03, 200, 2, 1], '好'.repeat(67)],
      [[0x05, 0x00, 0x03, 200, 2, 2], '好'.repeat(4)],
    ]);
  });

  it('keeps an emoji (a surrogate pair) in one part', () => {
    const text = `${'好'.repeat(66)}😀${'好'.repeat(10)}`;
    const { parts } = segment(text, 0);
    expect(parts.map((p) => ucs2(p))).toEqual(['好'.repeat(66), `😀${'好'.repeat(10)}`]);
  });
});
