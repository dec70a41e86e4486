/** The plugin's settings for a region, as declared in package.json (`weixi.settings`). */
export interface HallSettings {
  /** An account-manager visit is due by the end of the region's day this many days after the send. */
  visitDueDays: number;
}

/** The plugin's channels: both human, both worked by people who report the customer's answer. */
export const HALL = 'hall';
export const ACCOUNT_MANAGER = 'account-manager';
export const CHANNELS = [HALL, ACCOUNT_MANAGER] as const;
