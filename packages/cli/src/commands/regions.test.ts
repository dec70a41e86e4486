/**
 * `weixi regions import | list`, spawned as a user runs them, against a PGlite directory or a PostgreSQL
 * test database (WEIXI_TEST_DB). Files are written to a temporary folder; the database is read back directly.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectDatabase, runWeixi } from '../spawn-cli.test-support.js';

// Each spawn opens the database; PGlite takes long to open on a loaded machine.
const SLOW = 400_000;
const STACK_FRAME = /\n\s+at /;

let env: Record<string, string | undefined>;
let tempDir: string;
let postgresDb: TestDatabase | undefined;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'weixi-cli-regions-'));
  const base = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined, WEIXI_DEBUG: undefined };
  if (testDatabaseKind() === 'postgres') {
    postgresDb = await createTestDatabase();
    env = { ...base, DATABASE_URL: postgresDb.url };
  } else {
    env = { ...base, WEIXI_DATA_DIR: join(tempDir, 'data') };
  }
});
afterAll(async () => {
  await postgresDb?.close();
  await rm(tempDir, { recursive: true, force: true });
});

const weixi = (...args: string[]) => runWeixi(args, env);
const inspect = <T,>(read: (database: Database) => Promise<T>) => inspectDatabase({ postgres: postgresDb, dataDir: env.WEIXI_DATA_DIR }, read);
const treeOf = async (database: Database) =>
  (await database.rows<{ line: string }>(sql`select r.code || ' ' || r.level || ' ' || coalesce(p.code, '-') || ' ' || r.time_zone || ' ' || r.path as line
    from regions r left join regions p on p.id = r.parent_id order by r.path`)).map((r) => r.line);
const stored = () => inspect(treeOf);
async function file(name: string, text: string): Promise<string> {
  const path = join(tempDir, name);
  await writeFile(path, text);
  return path;
}

const CSV = `code,name,level,parentCode,timeZone
# children may come before their parents
JS-NJ,南京市,city,JS,
JS,江苏省,province,,Asia/Shanghai
XJ,"新疆维吾尔自治区",province,,Asia/Urumqi
XJ-KS,喀什地区,city,XJ,
`;

describe('weixi regions import', () => {
  it('imports a CSV file all at once, then says nothing changed when it is imported again', async () => {
    const path = await file('tree.csv', CSV);
    const first = await weixi('regions', 'import', path);
    expect(first.stderr).not.toMatch(STACK_FRAME);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Imported 4 regions from ${path}: 4 created, 0 updated, 0 unchanged.`);
    const again = await weixi('regions', 'import', path);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Nothing changed: all 4 regions of ${path} are already stored as they are in the file.\n`);
    const { tree, audit } = await inspect(async (database) => ({
      tree: await treeOf(database),
      audit: await database.rows<{ operation: string; actor: string; objects: string[] }>(sql`select operation, actor, objects from audit_log order by id`),
    }));
    expect(tree).toEqual([
      'JS province - Asia/Shanghai /JS/',
      'JS-NJ city JS Asia/Shanghai /JS/JS-NJ/',
      'XJ province - Asia/Urumqi /XJ/',
      'XJ-KS city XJ Asia/Urumqi /XJ/XJ-KS/',
    ]);
    // Each import is recorded; the second changed no region.
    expect(audit).toEqual([
      { operation: 'regions.import', actor: 'system', objects: ['region:JS-NJ', 'region:JS', 'region:XJ', 'region:XJ-KS'] },
      { operation: 'regions.import', actor: 'system', objects: [] },
    ]);
  }, SLOW);

  it('imports JSON (by extension or --format), and moves a region with its subtree', async () => {
    const json = JSON.stringify([
      { code: 'JS-NJ-GL', name: '鼓楼区', level: 'district', parentCode: 'JS-NJ' },
      { code: 'JS-NJ', name: '南京市', level: 'CITY', parentCode: 'XJ' },
    ]);
    const path = await file('more.txt', json);
    const unknown = await weixi('regions', 'import', path);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`cannot tell the format of ${path} from its name: add --format csv or --format json`);
    const run = await weixi('regions', 'import', '--format', 'json', path);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toContain(`Imported 2 regions from ${path}: 1 created, 1 updated (1 moved to another parent), 0 unchanged.`);
    expect((await stored()).filter((l) => l.startsWith('JS-NJ'))).toEqual(['JS-NJ city XJ Asia/Shanghai /XJ/JS-NJ/', 'JS-NJ-GL district JS-NJ Asia/Shanghai /XJ/JS-NJ/JS-NJ-GL/']);
  }, SLOW);

  it('refuses a file with any bad region, naming line and field, and writes nothing', async () => {
    const before = await stored();
    const path = await file('bad.csv', `code,name,level,parentCode,timeZone
ZJ,浙江省,province,,Asia/Shanghai
ZJ-HZ,杭州市,city,ZJ,
ZJ-NB,宁波市,city,Z,
ZJ-WZ,温州市,district,ZJ,
ZJ-JX,嘉兴市,city,ZJ,Asia/Jiaxing
`);
    const run = await weixi('regions', 'import', path);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).toContain(`${path}: nothing was imported. 3 problems:`);
    expect(run.stderr).toContain('line 4 (ZJ-NB), parentCode: region "Z" does not exist (neither stored nor in this batch)');
    expect(run.stderr).toContain("line 5 (ZJ-WZ), level: a district cannot be under ZJ, a province: a district's parent is a city");
    expect(run.stderr).toContain('line 6 (ZJ-JX), timeZone: "Asia/Jiaxing" is not an IANA time zone (such as Asia/Shanghai)');
    expect(await stored()).toEqual(before);
  }, SLOW);

  it('refuses malformed files before opening the database, naming the line', async () => {
    const columns = await weixi('regions', 'import', await file('columns.csv', 'code,name,level,parent\nJS,江苏省,province,\n'));
    expect(columns.code).toBe(1);
    expect(columns.stderr).toContain('line 1, the header: unknown column "parent". Columns: code,name,level,parentCode,timeZone');
    const lines = await weixi('regions', 'import', await file('lines.csv', 'code,name,level\nJS,江苏省\nZJ,"浙江省,province\n'));
    expect(lines.stderr).toContain('2 problems:');
    expect(lines.stderr).toContain('line 2: 2 values for 3 columns (code,name,level)');
    expect(lines.stderr).toContain('line 3: a quoted value is not closed (a value may not span lines)');
    const json = await weixi('regions', 'import', await file('bad.json', '[{"code": "JS", "name": 7, "level": "province"}, "XJ"]'));
    expect(json.stderr).toContain('item 1: name must be a string, got 7');
    expect(json.stderr).toContain('item 2: expected an object, got "XJ"');
    const missing = await weixi('regions', 'import', join(tempDir, 'nope.csv'));
    expect(missing.stderr).toContain(`${join(tempDir, 'nope.csv')}: no such file`);
    for (const run of [columns, lines, json, missing]) expect(run.stderr).not.toMatch(STACK_FRAME);
  }, SLOW);
});

describe('weixi regions list', () => {
  it('prints the tree in path order, and as CSV that import reads back unchanged', async () => {
    const table = await weixi('regions', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(1, 4)).toEqual([
      'JS                            province  -             Asia/Shanghai     江苏省',
      'XJ                            province  -             Asia/Urumqi       新疆维吾尔自治区',
      '  JS-NJ                       city      XJ            Asia/Shanghai     南京市',
    ]);
    expect(table.stdout).toContain('\n5 regions\n');
    const csv = await weixi('regions', 'list', '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('code,name,level,parentCode,timeZone');
    const roundTrip = await weixi('regions', 'import', await file('listed.csv', csv.stdout));
    expect(roundTrip.stdout).toContain('Nothing changed: all 5 regions');
  }, SLOW);
});
