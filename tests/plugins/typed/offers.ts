import { definePlugin, type FieldSpec } from '@weixi/sdk';

interface Offer {
  id: string;
  kind: string;
  title: string | null;
  steps: Array<{ day: unknown; note?: string }>;
  fallback?: Offer | null;
}

const CATALOGUE: Offer[] = [
  { id: 'd10', kind: 'DATA', title: '10 GB for 3 months', steps: [{ day: 0, note: 'granted' }, { day: 90 }], fallback: { id: 'd5', kind: 'DATA', title: '5 GB', steps: [] } },
  { id: 'v200', kind: 'VOICE', title: '200 minutes', steps: [{ day: 0 }] },
  { id: 'x15', kind: 'DISCOUNT', title: '15% off for a year', steps: [{ day: 0 }, { day: 180, note: 'review' }, { day: 365 }] },
];

/** Shapes that do not fit the declared types, one per `mode`. */
const MISFITS: Record<string, () => unknown> = {
  nullTitle: () => [{ ...CATALOGUE[0], title: null }],
  everyNote: () => CATALOGUE.map((o) => ({ ...o, steps: [{ day: 1, note: { text: 'not a string' } }] })),
  unknownKind: () => [{ ...CATALOGUE[1], kind: 'GIFT' }],
  textDay: () => [{ ...CATALOGUE[2], steps: [{ day: 'soon' }] }],
  notAList: () => ({ ...CATALOGUE[0] }),
  nestedNull: () => [{ ...CATALOGUE[0], fallback: { ...CATALOGUE[1], steps: null } }],
};

/** Retention offers as declared types: an enum, nested objects and lists, and an input filter. */
export default definePlugin({
  activate(ctx) {
    const catalogue: FieldSpec<null, Offer[]> = {
      type: '[Offer!]',
      description: 'Offers that match the filter',
      args: { filter: { type: 'OfferFilter', description: 'Which offers' } },
      resolve: (_root, args) => {
        const filter = args.filter as { kinds: string[]; minSteps?: number | null } | undefined;
        return CATALOGUE.filter((o) => !filter || (filter.kinds.includes(o.kind) && o.steps.length >= (filter.minSteps ?? 0)));
      },
    };
    ctx.subscriptions.push(
      ctx.graphql.addRootField('Query', 'catalogue', catalogue),
      ctx.graphql.addRootField('Query', 'misfit', {
        type: '[Offer!]',
        description: 'Returns a shape that does not fit',
        args: { mode: { type: 'String!' } },
        resolve: (_root, args) => MISFITS[String(args.mode)]!(),
      }),
      ctx.graphql.addField('Customer', 'offer', {
        type: 'Offer',
        description: 'The offer for this customer',
        args: { kind: { type: 'Kind', required: true } },
        // A discount comes back with a step that does not fit, to show where a nested misfit counts.
        resolve: (customer, args) => ({
          ...CATALOGUE.find((o) => o.kind === args.kind)!,
          id: `${args.kind}-${customer.id}`,
          ...(args.kind === 'DISCOUNT' ? { steps: [{ day: 'tomorrow' }] } : {}),
        }),
      }),
    );
  },
});
