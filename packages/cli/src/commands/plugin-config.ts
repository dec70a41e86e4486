/**
 * `weixi plugins enable|disable|configure <id> [--region CODE]`: what the `enablePlugin`, `disablePlugin`
 * and `updatePluginSettings` mutations do, from the command line. The installed plugins are activated as the
 * server activates them (so a plugin that fails to activate says why), the change is stored per region (a
 * city inherits from its province), running servers pick it up from the database's change notice, and the
 * audit log records it under the operating-system user.
 */
import { userInfo } from 'node:os';
import { InputError, NotFoundError, recordAudit, systemClock, WeixiError } from '@weixi/core';
import { withPluginHost } from '../plugin-host.js';
import { CliError, UsageError } from '../cli-error.js';
import { parseCommandLine } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';

export type ConfigAction = 'enable' | 'disable' | 'configure';

/** `--set a=1 --set b=true --set c=text`: each value read as JSON when it parses, else as text. */
function settingsFrom(sets: readonly string[], json: string | undefined): Record<string, unknown> {
  if (json !== undefined && sets.length > 0) throw new UsageError('give --settings JSON or --set key=value, not both', 'plugins');
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`--settings is not JSON: ${(error as Error).message}`, 'plugins');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--settings must be a JSON object, e.g. {"daysBefore": 45}', 'plugins');
    return parsed as Record<string, unknown>;
  }
  if (sets.length === 0) throw new UsageError('configure needs --set key=value (repeatable) or --settings JSON', 'plugins');
  const out: Record<string, unknown> = {};
  for (const pair of sets) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--set ${pair}: expected key=value`, 'plugins');
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    out[pair.slice(0, at)] = value;
  }
  return out;
}

export async function configurePlugin(action: ConfigAction, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('plugins', args, {
    region: { type: 'string' },
    set: { type: 'string', multiple: true },
    settings: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`${action} needs one plugin id, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 'plugins');
  const [id] = positionals as [string];
  const region = values.region ?? null;
  if (action !== 'configure' && (values.set !== undefined || values.settings !== undefined)) throw new UsageError(`--set and --settings are for configure, not ${action}`, 'plugins');
  const patch = action === 'configure' ? settingsFrom(values.set ?? [], values.settings) : undefined;
  const where = region === null ? 'globally (every region without its own choice)' : `in ${region} and below`;

  return withDatabase((database) =>
    withPluginHost(database, async (host) => {
      const actor = `cli:${userInfo().username}`;
      const audit = (outcome: 'ok' | 'error', message?: string) =>
        recordAudit(database.db, { at: systemClock.now(), actor, role: 'admin', operation: `${action}Plugin`, objects: [`plugin:${id}`, ...(region ? [`region:${region}`] : [])], pluginId: id, outcome, detail: message ? { message } : {} });
      try {
        if (action === 'configure') {
          const resolved = await host.updateSettings(id, region, patch!);
          await audit('ok');
          process.stdout.write(`Settings of ${id} ${where} in ${describeDatabase()}:\n${JSON.stringify(resolved, null, 2)}\n`);
          return 0;
        }
        const state = action === 'enable' ? await host.enable(id, region) : await host.disable(id, region);
        await audit('ok');
        const regions = await host.enabledRegionCodes(id);
        process.stdout.write(`${id} ${action}d ${where} in ${describeDatabase()}: ${state.status}${state.error ? ` (${state.error})` : ''}\nenabled in: ${regions.length > 0 ? regions.join(', ') : 'no region'}\n`);
        if (action === 'enable' && state.status !== 'active') throw new CliError(`${id} is enabled ${where} but could not be activated: ${state.error ?? state.status}`);
        return 0;
      } catch (error) {
        if (error instanceof InputError || error instanceof NotFoundError || error instanceof WeixiError) {
          await audit('error', error.message);
          throw new CliError(error.message);
        }
        throw error;
      }
    }),
  );
}
