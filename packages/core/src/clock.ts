/** The platform's notion of "now"; tests and the job runner substitute a fake one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
