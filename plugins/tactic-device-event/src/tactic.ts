/**
 * 购机盛会法: a subsidy of `subsidyYuan` on a new handset against `commitmentMonths` on the network, for
 * customers whose device (`attributes.devicePurchasedOn`) is old and whose spending justifies the subsidy.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface DeviceEventSettings extends TacticSettings {
  subsidyYuan: number;
  commitmentMonths: number;
  minDeviceAgeMonths: number;
  minArpuYuan: number;
}

const deviceMonths: WarningExpr = { monthsSinceDate: { attribute: 'devicePurchasedOn' } };

export function deviceEvent(s: DeviceEventSettings): TacticDefinition {
  const subsidyCents = yuanToCents(s.subsidyYuan);
  return tacticFromSettings(s, {
    eligibility: [
      tacticChecks.active,
      { when: { compare: [deviceMonths, 'gte', s.minDeviceAgeMonths] }, unless: '终端使用不满{minDeviceAgeMonths}个月（或无购机记录）' },
      tacticChecks.arpuAtLeast(s.minArpuYuan),
    ],
    offer: {
      title: '购机直降{subsidyYuan}元（承诺在网{commitmentMonths}个月）',
      costCents: subsidyCents,
      benefit: { kind: 'device_subsidy', valueCents: subsidyCents, description: `新购手机直降${s.subsidyYuan}元，承诺在网${s.commitmentMonths}个月` },
    },
    variables: { deviceMonths, subsidyYuan: s.subsidyYuan, commitmentMonths: s.commitmentMonths, minDeviceAgeMonths: s.minDeviceAgeMonths },
    script: '{name}您好，您的手机已使用{deviceMonths}个月。购机盛会期间，承诺在网{commitmentMonths}个月即可享新机直降{subsidyYuan}元，欢迎到营业厅挑选，也可为您预约送机上门。',
  });
}
