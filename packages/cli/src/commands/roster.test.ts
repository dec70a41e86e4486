/**
 * `weixi roster import|list`, spawned as a user runs it: teams and agents from CSV land together, a rerun
 * changes nothing, and a bad line anywhere writes nothing and is named by its line.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, ROOT, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';

const SLOW = 60_000;
let cli: CliDatabase;
const weixi = (...args: string[]) => runWeixi(args, cli.env);
const file = (name: string, lines: string[]) => cli.file(name, lines);
const roster = () =>
  cli.inspect(async (database) => ({
    teams: await database.rows<{ name: string; kind: string; lead: string | null; skills: string[] }>(sql`select name, kind, lead_agent_id as lead, skills from teams order by name`),
    agents: await database.rows<{ id: string; team: string; capacity: number; active: boolean }>(sql`select a.agent_id as id, t.name as team, a.capacity_per_day as capacity, a.active from agents a join teams t on t.id = a.team_id order by a.agent_id`),
  }));

beforeAll(async () => {
  cli = await cliDatabase('roster');
  const regions = await file('regions.csv', ['code,name,level,parentCode,timeZone', 'JS,江苏省,province,,Asia/Shanghai', 'JS-NJ,南京市,city,JS,', 'JS-SZ,苏州市,city,JS,', 'ZJ,浙江省,province,,Asia/Shanghai', 'ZJ-HZ,杭州市,city,ZJ,']);
  const imported = await weixi('regions', 'import', regions);
  expect(imported.code, imported.stderr).toBe(0);
}, SLOW);
afterAll(() => cli?.close());

describe('weixi roster', () => {
  it('imports teams and their agents together, lists them, and a rerun changes nothing', async () => {
    const teams = await file('teams.csv', ['regionCode,name,kind,leadAgentId,skills', 'JS-NJ,南京外呼一组,call_center,li.lei,renewal;device', 'JS,江苏客户经理,account_managers,,']);
    const agents = await file('agents.csv', [
      'agentId,name,regionCode,team,capacityPerDay,skills,active',
      'li.lei,李雷,JS-NJ,南京外呼一组,30,renewal,true',
      'han.meimei,韩梅梅,JS-NJ,南京外呼一组,,,',
      'wang.wu,"王,五",JS,江苏客户经理,10,,false',
    ]);
    const first = await weixi('roster', 'import', '--teams', teams, '--agents', agents);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Imported 2 teams and 3 agents');
    const expected = {
      teams: [
        { name: '南京外呼一组', kind: 'call_center', lead: 'li.lei', skills: ['renewal', 'device'] },
        { name: '江苏客户经理', kind: 'account_managers', lead: null, skills: [] },
      ],
      agents: [
        { id: 'han.meimei', team: '南京外呼一组', capacity: 40, active: true },
        { id: 'li.lei', team: '南京外呼一组', capacity: 30, active: true },
        { id: 'wang.wu', team: '江苏客户经理', capacity: 10, active: false },
      ],
    };
    expect(await roster()).toEqual(expected);

    const again = await weixi('roster', 'import', '--teams', teams, '--agents', agents);
    expect(again.code, again.stderr).toBe(0);
    expect(await roster()).toEqual(expected);

    const listed = await weixi('roster', 'list', '--region', 'JS-NJ');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('南京外呼一组  (call_center, lead li.lei, skills renewal;device): 2 agents');
    expect(listed.stdout).not.toContain('江苏客户经理');
    expect(listed.stdout).toContain('1 teams, 2 agents');
    const csv = await weixi('roster', 'list', '--format', 'csv');
    expect(csv.stdout.split('\n')).toContain('wang.wu,"王,五",JS,江苏客户经理,10,,false');

    const audit = await cli.inspect((database) => database.rows<{ actor: string; operation: string; objects: string[] }>(sql`select actor, operation, objects from audit_log where operation = 'roster.import' order by id`));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toEqual({ actor: `cli:${userInfo().username}`, operation: 'roster.import', objects: ['team:JS-NJ/南京外呼一组', 'team:JS/江苏客户经理', 'agent:li.lei', 'agent:han.meimei', 'agent:wang.wu'] });
  }, SLOW);

  it('writes nothing when any line is bad, naming each by its line', async () => {
    const before = await roster();
    const teams = await file('teams-2.csv', ['regionCode,name,kind', 'JS-SZ,苏州外呼,call_center', 'JS-XX,无此地,call_center']);
    const agents = await file('agents-2.csv', ['agentId,name,regionCode,team', 'zhao.liu,赵六,JS-SZ,苏州外呼']);
    const refused = await weixi('roster', 'import', '--teams', teams, '--agents', agents);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('nothing was imported');
    expect(refused.stderr).toContain('line 3 (JS-XX 无此地), regionCode: region "JS-XX" does not exist');
    expect(await roster()).toEqual(before);

    const badAgents = await file('agents-3.csv', ['agentId,name,regionCode,team,capacityPerDay', 'zhao.liu,赵六,JS-SZ,苏州外呼,many', 'qian.qi,钱七,JS-NJ,没有这个组,5']);
    const unparsed = await weixi('roster', 'import', '--agents', badAgents);
    expect(unparsed.code).not.toBe(0);
    expect(unparsed.stderr).toContain('line 2, capacityPerDay: expected a whole number, got "many"');

    const fixedTeams = await file('teams-3.csv', ['regionCode,name,kind', 'JS-SZ,苏州外呼,call_center']);
    const unknownTeam = await file('agents-4.csv', ['agentId,name,regionCode,team', 'zhao.liu,赵六,JS-SZ,苏州外呼', 'qian.qi,钱七,JS-NJ,没有这个组']);
    const missing = await weixi('roster', 'import', '--teams', fixedTeams, '--agents', unknownTeam);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('line 3 (qian.qi), team: no team "没有这个组" in JS-NJ');
    // The team of the same import was not kept either: one transaction.
    expect(await roster()).toEqual(before);
  }, SLOW);

  it('imports the example roster of the demo regions, as the README shows', async () => {
    const imported = await weixi('roster', 'import', '--teams', join(ROOT, 'examples/roster/teams.csv'), '--agents', join(ROOT, 'examples/roster/agents.csv'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 6 teams and 8 agents');
  }, SLOW);
});
