/**
 * `weixi keys create | list | revoke`: the API keys clients send as `Authorization: Bearer <key>`. Keys
 * are stored hashed, so `create` prints the new key once, alone on the last line of its output.
 */
import { InputError, type InputIssue } from '@weixi/core';
import {
  INTEGRATOR_SCOPES,
  ROLES,
  checkApiKeyInput,
  createApiKey,
  describeGrant,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRecord,
  type CreateApiKeyInput,
} from '@weixi/core/access';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { parseOptions } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { describeMigrations } from './migrate.js';

const USAGE = `Usage: weixi keys create --role <${ROLES.join('|')}> [--region CODE ...] [--agent ID]
                         [--scope ${INTEGRATOR_SCOPES.join('|')} ...] [--name TEXT]
       weixi keys list
       weixi keys revoke <prefix>

Manages the API keys that clients send as 'Authorization: Bearer <key>'. Only a hash of each key is
stored: 'create' prints the new key once, alone on the last line of its output.

Roles:
  admin        everything, in every region
  operator     its regions and everything below them (at least one --region)
  agent        its own tasks and their customers (--agent ID; --region bounds it further)
  integrator   what its scopes allow (at least one --scope), in its regions' subtrees, or
               everywhere when it names no region

Options of create:
  --role ROLE     admin, operator, agent or integrator
  --region CODE   a region code (JS, JS-NJ, ...); repeat it or separate codes with commas
  --agent ID      the agent an agent key works as (the tasks' assignee)
  --scope SCOPE   ${INTEGRATOR_SCOPES.join(' or ')}; repeat it or separate scopes with commas
  --name TEXT     what the key is for, shown by 'keys list'

list shows every key (prefix, role, regions, agent, scopes, created, last used, revoked), never a
secret. revoke takes the prefix that list shows; revoking a revoked key changes nothing.
The database is DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data; create migrates it first.

Examples:
  pnpm weixi keys create --role operator --region JS-NJ --region JS-SZ --name "Nanjing and Suzhou ops"
  pnpm weixi keys create --role integrator --scope read,ingest --name "billing feed"
  pnpm weixi keys revoke k3j9x0a2bq`;

export const keys: Command = {
  name: 'keys',
  summary: 'create, list and revoke API keys',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'create') return create(rest);
    if (sub === 'list') {
      parseOptions('keys', rest, {});
      return list();
    }
    if (sub === 'revoke') {
      const option = rest.find((a) => a.startsWith('-'));
      if (option) throw new UsageError(`unknown option '${option}'`, 'keys');
      if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'revoke needs the prefix of the key (see keys list)' : `unexpected arguments: ${rest.slice(1).join(' ')}`, 'keys');
      return revoke(rest[0]!);
    }
    if (sub === undefined) throw new UsageError('no subcommand given: use create, list or revoke', 'keys');
    throw new UsageError(`unknown subcommand '${sub}': use create, list or revoke`, 'keys');
  },
};

async function create(args: string[]): Promise<number> {
  const values = parseOptions('keys', args, {
    role: { type: 'string' },
    region: { type: 'string', multiple: true },
    agent: { type: 'string' },
    scope: { type: 'string', multiple: true },
    name: { type: 'string' },
  });
  if (values.role === undefined) throw new UsageError(`--role is required: ${ROLES.join(', ')}`, 'keys');
  const list = (items: string[] | undefined) => (items ?? []).flatMap((item) => item.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const input: CreateApiKeyInput = { role: values.role, regionCodes: list(values.region), agentId: values.agent, scopes: list(values.scope), name: values.name };
  // What can be checked without the database is a wrong command line (exit 2), before opening it.
  const { issues } = checkApiKeyInput(input);
  if (issues.length > 0) throw new UsageError(optionIssues(issues), 'keys');

  const { key, record } = await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    try {
      return await createApiKey(database.db, input);
    } catch (error) {
      if (error instanceof InputError) throw new CliError(optionIssues(error.issues));
      throw error;
    }
  });
  const name = record.name === null ? '' : ` ${JSON.stringify(record.name)}`;
  process.stdout.write(
    `Created API key ${record.prefix} (${describeGrant(record)})${name} in ${describeDatabase()}.\n` +
      "Store the key now, it is not shown again; clients send it as 'Authorization: Bearer <key>':\n" +
      `${key}\n`,
  );
  return 0;
}

async function list(): Promise<number> {
  const records = await withDatabase((database) => listApiKeys(database.db));
  if (records.length === 0) {
    process.stdout.write(`No API keys in ${describeDatabase()}. Create one with 'weixi keys create --role ...'.\n`);
    return 0;
  }
  const header = ['PREFIX', 'ROLE', 'REGIONS', 'AGENT', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED', 'NAME'];
  const rows = records.map((r: ApiKeyRecord) => [
    r.prefix,
    r.role,
    r.regionCodes.join(',') || '-',
    r.agentId ?? '-',
    r.scopes.join(',') || '-',
    time(r.createdAt),
    time(r.lastUsedAt),
    time(r.revokedAt),
    r.name ?? '',
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  const revoked = records.filter((r) => r.revokedAt !== null).length;
  lines.push('', `${records.length} key${records.length === 1 ? '' : 's'}, ${revoked} revoked`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function revoke(prefix: string): Promise<number> {
  const { record, alreadyRevoked } = await withDatabase((database) => revokeApiKey(database.db, prefix));
  const what = `key ${record.prefix} (${describeGrant(record)})${record.name === null ? '' : ` ${JSON.stringify(record.name)}`}`;
  process.stdout.write(alreadyRevoked ? `The ${what} was already revoked at ${time(record.revokedAt)}; nothing changed.\n` : `Revoked the ${what}.\n`);
  return 0;
}

const OPTION_OF: Record<string, string> = { role: '--role', regionCodes: '--region', agentId: '--agent', scopes: '--scope', name: '--name' };

/** Issues with the option names the user typed: `--region: region "XX" does not exist`. */
function optionIssues(issues: InputIssue[]): string {
  return issues.map((i) => `${OPTION_OF[i.path.replace(/\[\d+\]$/, '')] ?? i.path}: ${i.message}`).join('; ');
}

function time(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
