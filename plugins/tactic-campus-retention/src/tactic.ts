/**
 * 校园维系: a campus data pack (`packGb` GB a month), its fee waived for a term, for campus customers
 * (校园客户) at risk; other customers are not eligible.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface CampusRetentionSettings extends TacticSettings {
  packGb: number;
  packFeeYuan: number;
  freeMonths: number;
}

export function campusRetention(s: CampusRetentionSettings): TacticDefinition {
  const waivedCents = yuanToCents(s.packFeeYuan * s.freeMonths);
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, { when: { flag: 'isCampus' }, unless: '仅限校园客户' }],
    offer: {
      title: '校园流量包{packGb}GB/月，免{freeMonths}个月月费',
      costCents: waivedCents,
      benefit: { kind: 'data', valueCents: waivedCents, description: `每月${s.packGb}GB校园流量，免${s.freeMonths}个月、每月${s.packFeeYuan}元的月费` },
    },
    variables: { packGb: s.packGb, packFeeYuan: s.packFeeYuan, freeMonths: s.freeMonths },
    script: '{name}同学你好，校园专享：每月{packGb}GB校园流量包，前{freeMonths}个月免收每月{packFeeYuan}元月费，回复“办理”即可开通。',
  });
}
