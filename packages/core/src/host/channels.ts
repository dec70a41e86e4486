/**
 * Which contact channels (渠道) a region has: a channel is available where the plugin implementing it is
 * enabled (per region, inherited down the tree). The host answers this once for the planner and dispatch,
 * so no plugin decides it for itself.
 */
import type { ChannelContribution } from '@weixi/sdk';

/** A channel available in a region, with what kind of work it is. */
export interface AvailableChannel {
  id: string;
  /** `automated` sends by itself; `human` is worked by an agent. */
  kind: ChannelContribution['kind'];
  /** The plugin implementing it. */
  pluginId: string;
}

/** What the planner and dispatch ask of the host about channels. */
export interface ChannelAvailability {
  /** The channels available in a region (by id, sorted); empty where no channel plugin is enabled. */
  channelsIn(regionId: number): AvailableChannel[];
}
