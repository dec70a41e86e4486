import { defineWarningRules } from '@weixi/sdk';
import { deviceAgeRule, type DeviceAgeSettings } from './rule.js';

/** 终端老化预警: the `device-age` warning rule. */
export default defineWarningRules<DeviceAgeSettings>({
  'device-age': ({ settings }) => deviceAgeRule(settings),
});
