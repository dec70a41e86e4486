import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { canSeeRegionPath } from '../access/scope.js';
import type { Principal } from '../access/principal.js';
import { WeixiError } from '../errors.js';

/** A region where a plugin is enabled (explicitly or inherited from an ancestor or the global level). */
export interface EnabledRegion {
  id: number;
  code: string;
  path: string;
  level: string;
  timeZone: string;
}

/**
 * Where one plugin is enabled, every level of the tree: what the host confines its jobs, fields, event
 * handlers and service calls to.
 */
export class Enablement {
  static readonly none = new Enablement([]);
  private readonly ids: Set<number>;
  private readonly codes: Set<string>;

  constructor(readonly regions: readonly EnabledRegion[]) {
    this.ids = new Set(regions.map((r) => r.id));
    this.codes = new Set(regions.map((r) => r.code));
  }

  get empty(): boolean {
    return this.regions.length === 0;
  }

  has(regionId: number): boolean {
    return this.ids.has(regionId);
  }

  hasCode(regionCode: string): boolean {
    return this.codes.has(regionCode);
  }

  /** Whether any region of the subtree at `path` is enabled (calls there are narrowed to those parts). */
  reaches(path: string): boolean {
    return this.regions.some((r) => r.path.startsWith(path));
  }

  /** A predicate on a region id column: the row's region is enabled. One array parameter, any size. */
  sql(regionIdColumn: AnyColumn | SQL): SQL {
    return sql`${regionIdColumn} = any(${`{${[...this.ids].join(',')}}`}::int[])`;
  }

  /** The enabled regions a principal sees as a whole (an agent none: its customers reach plugins as parents). */
  visibleTo(principal: Principal | undefined): EnabledRegion[] {
    return principal ? this.regions.filter((r) => canSeeRegionPath(principal, r.path)) : [...this.regions];
  }

  /**
   * The regions a run asked for `path` covers: the highest enabled regions at city level or below in its
   * subtree, so a province's run becomes one run per enabled city, each with its own settings.
   */
  runTargets(path: string): EnabledRegion[] {
    const local = this.regions.filter((r) => r.level !== 'province' && r.path.startsWith(path));
    return local.filter((r) => !local.some((above) => above !== r && r.path.startsWith(above.path)));
  }
}

/** A plugin asked to work in a region where it is not enabled (or not running at all). */
export class PluginNotEnabledError extends WeixiError {
  readonly reason = 'plugin_not_enabled';
  constructor(
    readonly pluginId: string,
    readonly regionCode: string | null,
    detail?: string,
    path = 'regionCode',
  ) {
    const where = regionCode === null ? 'in any region the caller sees' : `in ${regionCode}`;
    const message = `plugin '${pluginId}' is not enabled ${where}${detail ? ` (${detail})` : ''}`;
    super('FORBIDDEN', message, [{ path, message }]);
    this.name = 'PluginNotEnabledError';
  }
}
