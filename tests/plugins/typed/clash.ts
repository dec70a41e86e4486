import { definePlugin } from '@weixi/sdk';

/** Declares `Offer` in namespace `Offers`, the schema name `offers` already gives its type. */
export default definePlugin({ activate() {} });
