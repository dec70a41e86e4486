/** `upcomingBirthdays(regionCode, days)`, a list of `TacticProactiveCare_BirthdayDay`: how many customers of a region have a birthday on each coming day. */
import type { FieldSpec } from '@weixi/sdk';
import { daysBetween, nextBirthday } from './birthday.js';

const MAX_DAYS = 31;

export function upcomingBirthdaysField(): FieldSpec<null, Array<{ date: string; customers: number }>> {
  return {
    type: '[BirthdayDay!]',
    description: `Per day from today (the region's date) for \`days\` days (default 7, at most ${MAX_DAYS}): the customers with a birthday that day`,
    args: {
      regionCode: { type: 'String', required: true, description: 'A region code; its whole subtree counts' },
      days: { type: 'Int', description: `How many days, today included (1 to ${MAX_DAYS}); default 7` },
    },
    async resolve(_root, args, request) {
      const regionCode = String(args.regionCode);
      const days = args.days == null ? 7 : Number(args.days);
      if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new Error(`upcomingBirthdays.days: must be 1 to ${MAX_DAYS}, got ${days}`);
      // The caller's services: a region outside its scope is refused, and only its customers count.
      const { services } = request;
      const today = (await services.regions.day(regionCode)).date;
      const counts = new Array<number>(days).fill(0);
      const ids = await services.customers.withBirthdayWithin(regionCode, days - 1);
      for (let i = 0; i < ids.length; i += 1000) {
        for (const customer of await services.customers.byIds(ids.slice(i, i + 1000))) {
          counts[daysBetween(today, nextBirthday(customer.birthday!, today))]! += 1;
        }
      }
      return counts.map((customers, offset) => ({ date: new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10), customers }));
    },
  };
}
