import { defineTactics } from '@weixi/sdk';
import { deviceEvent, type DeviceEventSettings } from './tactic.js';

/** 购机盛会法: the `device-event` tactic. */
export default defineTactics<DeviceEventSettings>({ 'device-event': { build: ({ settings }) => deviceEvent(settings) } });
