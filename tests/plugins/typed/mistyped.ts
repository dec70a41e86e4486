import { definePlugin } from '@weixi/sdk';

/** Registers a field returning a type its manifest does not declare: activation fails, naming it. */
export default definePlugin({
  activate(ctx) {
    ctx.graphql.addRootField('Query', 'coupon', { type: 'Coupon', description: 'A coupon', resolve: () => null });
  },
});
