import { definePlugin } from '@weixi/sdk';
import { arpuDropRule, type ArpuDropSettings } from './rule.js';

/** 消费波动预警: the `arpu-drop` warning rule. */
export default definePlugin<ArpuDropSettings>({
  activate(ctx) {
    ctx.subscriptions.push(ctx.warnings.defineRule('arpu-drop', ({ settings }) => arpuDropRule(settings)));
  },
});
