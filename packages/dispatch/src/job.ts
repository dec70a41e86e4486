/** The dispatch job: a core job (no plugin), run in every city every quarter hour, in the city's time zone. */
export const DISPATCH_JOB = { id: 'dispatch', cron: '*/15 * * * *', maxAttempts: 3 } as const;
