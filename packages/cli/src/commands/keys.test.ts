/**
 * `weixi keys`, spawned as a user runs it, against a PGlite directory or a PostgreSQL test database
 * (WEIXI_TEST_DB) with a small region tree; the keys it prints are checked with the core's verifyApiKey.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, regions, type Database } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { API_KEY_PATTERN, AccessError, verifyApiKey, type Principal } from '@weixi/core/access';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectDatabase, runWeixi, type Run } from '../spawn-cli.test-support.js';

const SLOW = 120_000;
const STACK_FRAME = /\n\s+at /;

let env: Record<string, string | undefined>;
let tempDir: string | undefined;
let postgresDb: TestDatabase | undefined;

async function addRegions(database: Database): Promise<void> {
  const [js] = await database.db.insert(regions).values({ code: 'JS', name: '江苏', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' }).returning();
  await database.db.insert(regions).values([
    { code: 'JS-NJ', name: '南京', level: 'city', timeZone: 'Asia/Shanghai', path: '/JS/JS-NJ/', parentId: js!.id },
    { code: 'ZJ', name: '浙江', level: 'province', timeZone: 'Asia/Shanghai', path: '/ZJ/' },
  ]);
}

beforeAll(async () => {
  const base = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined, WEIXI_DEBUG: undefined };
  if (testDatabaseKind() === 'postgres') {
    postgresDb = await createTestDatabase();
    await addRegions(postgresDb);
    env = { ...base, DATABASE_URL: postgresDb.url };
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'weixi-cli-keys-'));
    env = { ...base, WEIXI_DATA_DIR: join(tempDir, 'data') };
    const database = await openDatabase({ dataDir: env.WEIXI_DATA_DIR! });
    await database.migrate();
    await addRegions(database);
    await database.close();
  }
});
afterAll(async () => {
  await postgresDb?.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

const weixi = (...args: string[]) => runWeixi(args, env);
const inspect = <T,>(read: (database: Database) => Promise<T>) => inspectDatabase({ postgres: postgresDb, dataDir: env.WEIXI_DATA_DIR }, read);

const verify = (key: string): Promise<Principal | AccessError> =>
  inspect((database) => verifyApiKey(database.db, key).catch((error: unknown) => {
    if (error instanceof AccessError) return error;
    throw error;
  }));

const keyCount = () => inspect(async (database) => (await database.rows<{ n: number }>(sql`select count(*)::int as n from api_keys`))[0]!.n);

/** The key on the last line of `keys create`, checked to be alone there. */
function createdKey(run: Run): { key: string; prefix: string } {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.stdout.endsWith('\n')).toBe(true);
  const lines = run.stdout.trimEnd().split('\n');
  const key = lines.at(-1)!;
  const match = API_KEY_PATTERN.exec(key);
  expect(match, `last line: ${JSON.stringify(key)}`).not.toBeNull();
  // The secret appears on that line only.
  expect(lines.slice(0, -1).join('\n')).not.toContain(match![2]!);
  return { key, prefix: match![1]! };
}

describe('weixi keys', () => {
  let operator: { key: string; prefix: string };

  it('create prints an operator key alone on the last line, and the key authenticates', async () => {
    const run = await weixi('keys', 'create', '--role', 'operator', '--region', 'JS-NJ', '--region', 'ZJ,JS-NJ', '--name', 'Nanjing ops');
    operator = createdKey(run);
    expect(run.stdout).toContain(`Created API key ${operator.prefix} (operator of JS-NJ, ZJ) "Nanjing ops" in `);
    expect(await verify(operator.key)).toEqual({
      kind: 'operator',
      actor: `key:${operator.prefix}`,
      regionCodes: ['JS-NJ', 'ZJ'],
      regionPaths: ['/JS/JS-NJ/', '/ZJ/'],
    });
  }, SLOW);

  it('create makes admin, agent and integrator keys', async () => {
    const admin = createdKey(await weixi('keys', 'create', '--role', 'admin'));
    const agent = createdKey(await weixi('keys', 'create', '--role', 'agent', '--agent', 'a-17'));
    const integrator = createdKey(await weixi('keys', 'create', '--role', 'integrator', '--scope', 'read', '--scope', 'ingest', '--region', 'JS', '--name', 'billing feed'));
    expect(await verify(admin.key)).toEqual({ kind: 'admin', actor: `key:${admin.prefix}` });
    expect(await verify(agent.key)).toMatchObject({ kind: 'agent', agentId: 'a-17', regionPaths: 'all' });
    expect(await verify(integrator.key)).toMatchObject({ kind: 'integrator', scopes: ['read', 'ingest'], regionPaths: ['/JS/'] });
  }, SLOW);

  it('list shows every key with its grant and last use, never a secret', async () => {
    const run = await weixi('keys', 'list');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PREFIX\s+ROLE\s+REGIONS\s+AGENT\s+SCOPES\s+CREATED\s+LAST USED\s+REVOKED\s+NAME$/);
    const row = lines.find((l) => l.startsWith(operator.prefix))!;
    expect(row).toMatch(new RegExp(`^${operator.prefix}\\s+operator\\s+JS-NJ,ZJ\\s+-\\s+-\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+-\\s+Nanjing ops$`));
    expect(run.stdout).toMatch(/integrator\s+JS\s+-\s+read,ingest\s+.*billing feed/);
    expect(run.stdout).toMatch(/agent\s+-\s+a-17\s/);
    expect(lines.at(-1)).toBe('4 keys, 0 revoked');
    expect(run.stdout).not.toContain(operator.key);
    expect(run.stdout).not.toContain(API_KEY_PATTERN.exec(operator.key)![2]);
    const hash = await inspect(async (d) => (await d.rows<{ h: string }>(sql`select secret_hash as h from api_keys where prefix = ${operator.prefix}`))[0]!.h);
    expect(run.stdout).not.toContain(hash);
  }, SLOW);

  it('revoke makes the key fail, says so when run again, and names unknown prefixes', async () => {
    const run = await weixi('keys', 'revoke', operator.prefix);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Revoked the key ${operator.prefix} (operator of JS-NJ, ZJ) "Nanjing ops".\n`);
    const failure = await verify(operator.key);
    expect(failure).toBeInstanceOf(AccessError);
    expect(failure).toMatchObject({ reason: 'revoked_key' });

    const again = await weixi('keys', 'revoke', operator.prefix);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^The key ${operator.prefix} .* was already revoked at \\d{4}-[\\d-]+T[\\d:]+Z; nothing changed\\.\\n$`));

    const list = await weixi('keys', 'list');
    expect(list.stdout).toMatch(new RegExp(`^${operator.prefix}\\s+operator.*Z\\s+\\d{4}-[\\d-]+T[\\d:]+Z\\s+Nanjing ops$`, 'm'));
    expect(list.stdout).toContain('4 keys, 1 revoked');

    const unknown = await weixi('keys', 'revoke', 'zzzzzzzzzz');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('weixi keys: prefix: API key "zzzzzzzzzz" does not exist\n');
  }, SLOW);

  it('refuses bad command lines with a clear message and a non-zero exit, creating no key', async () => {
    const before = await keyCount();
    const usage: Array<[string[], string]> = [
      [['keys', 'create', '--role', 'root'], '--role: unknown role "root"; use admin, operator, agent or integrator'],
      [['keys', 'create'], '--role is required: admin, operator, agent, integrator'],
      [['keys', 'create', '--role', 'agent'], '--agent: an agent needs the agent id whose tasks it works on'],
      [['keys', 'create', '--role', 'operator'], '--region: an operator needs at least one region code'],
      [['keys', 'create', '--role', 'integrator', '--scope', 'write'], '--scope: unknown scope "write"; use read or ingest'],
      [['keys', 'create', '--role', 'admin', '--region', 'JS'], '--region: an admin sees every region; name no regions'],
      [['keys', 'create', '--role', 'admin', '--frob'], "Unknown option '--frob'"],
      [['keys', 'frob'], "unknown subcommand 'frob': use create, list or revoke"],
      [['keys'], 'no subcommand given'],
      [['keys', 'revoke'], 'revoke needs the prefix of the key'],
    ];
    const runs = await Promise.all(usage.map(([args]) => weixi(...args)));
    runs.forEach((run, i) => {
      const [args, message] = usage[i]!;
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(`weixi keys: ${message}`);
      expect(run.stderr).toContain("Run 'weixi help keys' for usage.");
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stdout).toBe('');
    });
    const region = await weixi('keys', 'create', '--role', 'operator', '--region', 'JS', '--region', 'XX');
    expect(region.code).toBe(1);
    expect(region.stderr).toBe('weixi keys: --region: region "XX" does not exist\n');
    expect(region.stdout).not.toMatch(/wx_/);
    expect(await keyCount()).toBe(before);
  }, SLOW);

  it('has help', async () => {
    const [all, one] = await Promise.all([weixi('help'), weixi('keys', '--help')]);
    expect(all.stdout).toMatch(/keys\s+create, list and revoke API keys/);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: weixi keys create --role <admin\|operator\|agent\|integrator> \[--region CODE \.\.\.\] \[--agent ID\]/);
  }, SLOW);
});
