/**
 * Phone numbers without collisions: row n maps to `(n · A + offset) mod M`, a bijection on [0, M) because A is
 * prime and does not divide M; the quotient by 10^8 picks a 13x/15x/18x prefix and the remainder is the
 * 8-digit subscriber part. The seed moves the offset, so another seed gives another set of numbers.
 */
import { arrayLiteral, integerLiteral } from './sql-text.js';

const PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139',
  '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
];
const SUBSCRIBER_SPACE = 100_000_000n;
const SPACE = BigInt(PREFIXES.length) * SUBSCRIBER_SPACE;
/** Knuth's multiplicative constant, a prime that divides neither 2, 5 nor 29. */
const MULTIPLIER = 2654435761n;

/** The most customers one population can have (numbers then run out). */
export const MSISDN_CAPACITY = Number(SPACE);

/** SQL for the 11-digit number of row `rowNumber` (a bigint expression). */
export function msisdnExpression(rowNumber: string, seed: number): string {
  const offset = (((BigInt(seed) * 7919n) % SPACE) + SPACE) % SPACE;
  const slot = `((${rowNumber}) * ${MULTIPLIER} + ${integerLiteral(offset)}) % ${SPACE}`;
  return `((${arrayLiteral(PREFIXES)})[1 + ((${slot}) / ${SUBSCRIBER_SPACE})::int] || lpad(((${slot}) % ${SUBSCRIBER_SPACE})::text, 8, '0'))`;
}
