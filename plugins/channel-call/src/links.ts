/** The open broker links, one per distinct configuration (regions with the same settings share one). */
import type { PluginLogger } from '@weixi/sdk';
import type { DispositionHandler } from './apply.js';
import { CallCentreLink } from './link.js';
import type { CallSettings, LinkConfig } from './settings.js';

export class CallCentreLinks {
  private readonly links = new Map<string, CallCentreLink>();

  constructor(
    private readonly onDisposition: DispositionHandler,
    private readonly logger: PluginLogger,
  ) {}

  /** The link for a region's settings, created (not yet connected) on first use; null without a url. */
  for(settings: CallSettings): CallCentreLink | null {
    if (!settings.url) return null;
    const config: LinkConfig = { ...settings, url: settings.url };
    const key = JSON.stringify([config.url, config.taskQueue, config.dispositionQueue, config.reconnectDelayMs, config.prefetch, config.confirmTimeoutMs]);
    let link = this.links.get(key);
    if (!link) this.links.set(key, (link = new CallCentreLink(config, this.onDisposition, this.logger)));
    return link;
  }

  async close(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => link.close()));
  }
}
