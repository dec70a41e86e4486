/**
 * Who works the demo's retention tasks: an account-manager team per province and a call-center team in
 * Nanjing, Suzhou and Hangzhou. The same roster as `examples/roster/*.csv`, which `weixi roster import`
 * loads into an install without the demo.
 */
import type { AgentInput, TeamInput } from '@weixi/dispatch';

export const DEMO_TEAMS: TeamInput[] = [
  { regionCode: 'JS', name: '江苏客户经理', kind: 'account_managers', leadAgentId: 'zhou.min', skills: ['diamond', 'gold'] },
  { regionCode: 'JS-NJ', name: '南京外呼一组', kind: 'call_center', leadAgentId: 'li.lei', skills: ['renewal', 'device'] },
  { regionCode: 'JS-SZ', name: '苏州外呼一组', kind: 'call_center', leadAgentId: 'chen.jing', skills: ['renewal', 'campus'] },
  { regionCode: 'JS', name: '江苏自动触达', kind: 'automated' },
  { regionCode: 'ZJ', name: '浙江客户经理', kind: 'account_managers', leadAgentId: 'wu.fang', skills: ['diamond', 'gold'] },
  { regionCode: 'ZJ-HZ', name: '杭州外呼一组', kind: 'call_center', leadAgentId: 'sun.hao', skills: ['renewal', 'device'] },
];

const agent = (agentId: string, name: string, regionCode: string, team: string, capacityPerDay: number, skills: string[]): AgentInput => ({ agentId, name, regionCode, team, capacityPerDay, skills });

export const DEMO_AGENTS: AgentInput[] = [
  agent('zhou.min', '周敏', 'JS', '江苏客户经理', 20, ['diamond', 'gold']),
  agent('zheng.yu', '郑宇', 'JS', '江苏客户经理', 20, ['gold']),
  agent('li.lei', '李雷', 'JS-NJ', '南京外呼一组', 40, ['renewal']),
  agent('han.meimei', '韩梅梅', 'JS-NJ', '南京外呼一组', 40, ['device']),
  agent('chen.jing', '陈静', 'JS-SZ', '苏州外呼一组', 40, ['renewal']),
  agent('lin.tao', '林涛', 'JS-SZ', '苏州外呼一组', 35, ['campus']),
  agent('wu.fang', '吴芳', 'ZJ', '浙江客户经理', 20, ['diamond', 'gold']),
  agent('sun.hao', '孙浩', 'ZJ-HZ', '杭州外呼一组', 40, ['renewal', 'device']),
];
