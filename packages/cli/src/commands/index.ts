/** The command table: one entry per command file. */
import type { Command } from '../command.js';
import { contacts } from './contacts.js';
import { helpCommand } from './help.js';
import { importCommand } from './import.js';
import { jwt } from './jwt.js';
import { keys } from './keys.js';
import { kpis } from './kpis.js';
import { migrate } from './migrate.js';
import { model } from './model.js';
import { plugin } from './plugin-new.js';
import { plugins } from './plugins.js';
import { regionsCommand } from './regions.js';
import { roster } from './roster.js';
import { schema } from './schema.js';
import { seed } from './seed.js';
import { warnings } from './warnings.js';
import { worker } from './worker.js';

export const COMMANDS: Command[] = [migrate, seed, importCommand, plugins, plugin, schema, keys, jwt, regionsCommand, roster, contacts, warnings, model, kpis, worker, helpCommand(() => COMMANDS)];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
