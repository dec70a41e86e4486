import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { clubName: '姑苏会员会', eventValueYuan: 150, tiers: ['gold', 'silver'] } } });

it('invites gold, silver and mid-high customers of a year to the club\'s event', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.tiers).toEqual(['gold', 'silver', 'mid_high']);
  expect(d.offer).toEqual({ title: '悦享会员俱乐部会员活动邀请（价值{eventValueYuan}元）', costCents: 6000, benefit: { kind: 'service', valueCents: 10000, description: '悦享会员俱乐部本月会员活动名额一个' } });
  expect(d.script).toContain('作为悦享会员俱乐部会员');
  expect(d).toMatchObject({ channels: ['app', 'sms', 'call'], cooldownDays: 120, giftLimitCents: { gold: 60000 } });
});

it('names Suzhou\'s own club in the offer and the script', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.offer).toMatchObject({ title: '姑苏会员会会员活动邀请（价值{eventValueYuan}元）', benefit: { valueCents: 15000 } });
  expect(d.script).toContain('作为姑苏会员会会员');
  expect(d.answers.tiers).toEqual(['gold', 'silver']);
});

it('refuses a club name with a placeholder brace', async () => {
  expect(await bed().refusal({ clubName: '{name}俱乐部' })).toMatch(/clubName/);
});
