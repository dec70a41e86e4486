import { definePlugin } from '@weixi/sdk';

// The channel's sender is being written on its own branch; until it lands the plugin registers nothing.
export default definePlugin({ activate() {} });
