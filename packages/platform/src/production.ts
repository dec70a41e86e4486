/**
 * A server process runs as production unless NODE_ENV says otherwise: import this module first in a
 * server's entry, before anything that loads graphql-js. graphql-js reads NODE_ENV once, as it loads, and
 * outside production checks every failed type test (`isListType`, `isNonNullType`, ... of every field of
 * every answer) for a second copy of itself, 3.5% of a small page's CPU. Nothing else of Weixi's changes
 * with it: error masking and yoga follow NODE_ENV=development only.
 */
process.env.NODE_ENV ??= 'production';
export {};
