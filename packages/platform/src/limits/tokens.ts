import { Lexer, Source, TokenKind } from 'graphql';
import { limitExceeded } from './options.js';

/**
 * Refuses a document with more than `max` lexical tokens before it is parsed, reading no further than
 * the first token over. A document the lexer cannot read is left to the parser, which says why.
 */
export function checkTokenCount(source: string | Source, max: number): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) break;
    }
  } catch {
    return;
  }
  if (count > max) throw limitExceeded('maxTokens', max, "the document's token count");
}
