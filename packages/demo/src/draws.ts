/**
 * Deterministic pseudo-randomness inside SQL. A draw is `hashint8extended(key, seed · 1024 + stream)` scaled
 * to [0, 1): the same seed, key and stream give the same number on every run and on every PostgreSQL build
 * (PGlite included), because hash partitioning depends on this hash being stable.
 *
 * The stream goes into the hash seed, not the key: keys that differ by a few (`n · 1024 + stream`) came out
 * visibly correlated (r ≈ 0.3), different hash seeds do not. Keys stay below 2^32, where the int8 hash does
 * not fold the high half onto the low one. Keys are row numbers (or household and enterprise block
 * numbers), so the result does not depend on how the work is chunked.
 */
import { integerLiteral } from './sql-text.js';

export const STREAMS_PER_SEED = 1024;

export interface Draws {
  /** A uniform number in [0, 1). */
  uniform(key: string, stream: number): string;
  /** A standard normal number (Box–Muller over two streams). */
  normal(key: string, stream: number, secondStream: number): string;
}

export function createDraws(seed: number): Draws {
  integerLiteral(seed);
  const uniform = (key: string, stream: number): string => {
    if (!Number.isInteger(stream) || stream < 0 || stream >= STREAMS_PER_SEED) throw new Error(`bad stream ${stream}`);
    // |seed| < 2^53, so seed · 1024 + stream stays inside bigint.
    const streamSeed = BigInt(seed) * BigInt(STREAMS_PER_SEED) + BigInt(stream);
    // 53 random bits → an exactly representable double in [0, 1).
    return `(((hashint8extended(${key}, ${streamSeed}) >> 11) & 9007199254740991)::float8 / 9007199254740992.0)`;
  };
  return {
    uniform,
    normal: (key, stream, secondStream) =>
      `(sqrt(-2.0 * ln(1.0 - ${uniform(key, stream)})) * cos(2.0 * pi() * ${uniform(key, secondStream)}))`,
  };
}
