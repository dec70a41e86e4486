/**
 * Splits a text into the short messages (短信拆分) of one SMS: GSM 03.38 (data_coding 0, one byte per
 * septet, 160 a message or 153 a part) when every character has a GSM code, else UCS-2 (data_coding 8,
 * 70 characters or 67 a part: Chinese text always). Parts carry a concatenation UDH (IEI 0x00: reference,
 * total, sequence), which takes 6 bytes of the 140, so handsets reassemble them in order.
 */
import smppModule from 'smpp';

export const GSM = 0x00;
export const UCS2 = 0x08;

export interface Segments {
  dataCoding: typeof GSM | typeof UCS2;
  /** Each part's short_message bytes, UDH first when there is more than one part. */
  parts: Buffer[];
}

interface Coder {
  match(text: string): boolean;
  encode(text: string): Buffer;
}
// smpp's GSM 03.38 coder (its `ASCII`): a byte per septet, an extension character escaped as 0x1B and its code.
const gsm = (smppModule as unknown as { encodings: { ASCII: Coder } }).encodings.ASCII;

const ESCAPE = 0x1b;

/** The parts of `text`; `reference` (0 to 255) ties the parts of one message together. */
export function segment(text: string, reference: number): Segments {
  if (gsm.match(text)) {
    const septets = gsm.encode(text);
    if (septets.length <= 160) return { dataCoding: GSM, parts: [septets] };
    // an escaped extension character (€, [, ...) stays in one part
    return { dataCoding: GSM, parts: withHeaders(split(septets, 153, 1, (bytes, end) => bytes[end - 1] === ESCAPE), reference) };
  }
  const units = Buffer.from(text, 'utf16le').swap16(); // UCS-2 big-endian, two bytes a UTF-16 unit
  if (units.length <= 140) return { dataCoding: UCS2, parts: [units] };
  // a surrogate pair (an emoji) stays in one part
  return { dataCoding: UCS2, parts: withHeaders(split(units, 134, 2, (bytes, end) => isHighSurrogate(bytes, end - 2)), reference) };
}

/** Chunks of at most `size` bytes, one `step` (a septet, a UTF-16 unit) shorter where a character would be cut in half. */
function split(bytes: Buffer, size: number, step: number, cutsInHalf: (bytes: Buffer, end: number) => boolean): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(bytes.length, start + size);
    if (end < bytes.length && cutsInHalf(bytes, end)) end -= step;
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

const isHighSurrogate = (bytes: Buffer, at: number) => (bytes[at]! & 0xfc) === 0xd8;

function withHeaders(chunks: Buffer[], reference: number): Buffer[] {
  if (chunks.length > 255) throw new Error(`a message of ${chunks.length} parts is too long for SMS (at most 255)`);
  return chunks.map((chunk, i) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference & 0xff, chunks.length, i + 1]), chunk]));
}
