/** The actor the dispatch job's transitions carry. */
export const DISPATCH_ACTOR = 'dispatch';
