/**
 * The customer rows of one chunk, as SQL: a chain of subqueries over `generate_series(first, last)`, each
 * adding the columns that depend on the previous ones. `offset 0` keeps each layer from being flattened,
 * so every draw is computed once per row instead of once per reference.
 *
 * Households are 4-row blocks of consecutive row numbers and enterprises 64-row blocks; a block's draws
 * decide whether it forms a group, how large, and where it lives, so members share a district.
 */
import type { GeneratorContext } from './context.js';
import { MAINSTREAM_DEVICES, PREMIUM_DEVICES } from './devices.js';
import { createDraws } from './draws.js';
import { msisdnExpression } from './msisdn.js';
import { GIVEN_NAMES, SURNAMES } from './names.js';
import { DEMO_PLANS, planFor } from './plans.js';
import { SHAPE } from './shape.js';
import { arrayLiteral, dateLiteral, expandWeights, integerLiteral, pickFrom, textLiteral } from './sql-text.js';
import { STREAM as S } from './streams.js';

/** The CTE holding a chunk's customer rows: inserted into `customers`, then read again for their usage. */
export const CUSTOMER_ROWS = 'customer_rows';

export function customerRowsSql(context: GeneratorContext, first: number, last: number): string {
  const { uniform: u, normal } = createDraws(context.seed);
  const today = dateLiteral(context.calendar.today);
  const districtIndex = expandWeights(context.districts.map((d, i) => ({ value: i + 1, weight: d.weight })));
  const districtIds = arrayLiteral(context.districts.map((d) => d.id));
  const districtCodes = arrayLiteral(context.districts.map((d) => d.code));
  const campus = planFor('campus');
  const enterprise = planFor('enterprise');
  const general = DEMO_PLANS.filter((p) => p.audience === 'general').sort((a, b) => b.feeCents - a.feeCents);
  // The plan that fits the spend: the dearest general plan whose fee the customer's spend covers.
  const fitting = (column: 'code' | 'feeCents') =>
    `case when is_campus then ${value(campus[column])} when in_enterprise then ${value(enterprise[column])} ` +
    general.map((p) => `when spend_cents >= ${p.feeCents} then ${value(p[column])}`).join(' ') +
    ` else ${value(general.at(-1)![column])} end`;
  const manager = (draw: string) => `'AM-' || district_code || '-' || lpad((1 + floor(${draw} * 4))::int::text, 2, '0')`;

  return `
  blocks as (
    select n, (n - 1) / 4 as household_block, (n - 1) % 4 as household_pos,
      (n - 1) / 64 as enterprise_block, (n - 1) % 64 as enterprise_pos
    from generate_series(${integerLiteral(first)}::bigint, ${integerLiteral(last)}::bigint) as n
  ),
  draws as (
    select b.*,
      ${normal('n', S.valueA, S.valueB)} as value_z,
      ${u('n', S.churnProne)} < ${SHAPE.churnProneShare} as churn_prone,
      ${u('n', S.churnKind)} as churn_kind,
      ${u('n', S.churnDetail)} as churn_detail,
      ${u('enterprise_block', S.enterprise)} < ${SHAPE.enterpriseBlockShare}
        and enterprise_pos < 4 * (3 + floor(${u('enterprise_block', S.enterpriseSize)} * 8)) as in_enterprise,
      ${u('household_block', S.household)} < ${SHAPE.householdBlockShare}
        and household_pos < 2 + floor(${u('household_block', S.householdSize)} * 3) as household_candidate,
      ${u('enterprise_block', S.enterpriseDistrict)} as enterprise_district_draw,
      ${u('household_block', S.householdDistrict)} as household_district_draw,
      ${u('n', S.district)} as own_district_draw,
      ${u('enterprise_block', S.enterpriseManager)} as enterprise_manager_draw,
      ${u('n', S.campus)} < ${SHAPE.campusShare} as campus_candidate
    from blocks b offset 0
  ),
  traits as (
    select d.*,
      household_candidate and not in_enterprise as in_household,
      campus_candidate and not in_enterprise as is_campus,
      case when not churn_prone then 'active'
        when churn_kind < ${SHAPE.churnedBelow} then 'churned'
        when churn_kind < ${SHAPE.suspendedBelow} then 'suspended'
        else 'active' end as status,
      ${pickFrom(districtIndex, `case when in_enterprise then enterprise_district_draw
        when household_candidate then household_district_draw else own_district_draw end`)} as district_idx,
      least(${SHAPE.maxSpendCents}, greatest(${SHAPE.minSpendCents},
        round(exp(ln(${SHAPE.medianSpendCents}) + ${SHAPE.spendSigma} * value_z))))::int as drawn_spend_cents
    from draws d offset 0
  ),
  profile as (
    select t.*,
      -- Campus lines are cheap and enterprise lines pay at least their group plan.
      case when is_campus then least(greatest(drawn_spend_cents, ${campus.feeCents}), 9000)
        when in_enterprise then greatest(drawn_spend_cents, ${enterprise.feeCents})
        else drawn_spend_cents end as spend_cents,
      case when in_enterprise then 'postpaid'
        when ${u('n', S.payment)} < case when is_campus then 0.9 when value_z > ${SHAPE.highValueZ} then 0.35 else 0.66 end
          then 'prepaid' else 'postpaid' end as payment_type,
      -- Churn-prone and enterprise lines have some history; everyone else joined over ten years, a few lately.
      (case when churn_prone or in_enterprise then 200 + floor(${u('n', S.joinedDays)} * 3450)
        when ${u('n', S.joinedRecently)} < ${SHAPE.recentJoinShare} then floor(${u('n', S.joinedDays)} * 92)
        else 92 + floor(${u('n', S.joinedDays)} * 3558) end)::int as tenure_days,
      case when status = 'churned' then ${today} - (5 + floor(${u('n', S.churnDay)} * 150))::int end as churned_on,
      -- How usage evolves: declining spend (share lost by the last month), silence from a month on (7 = never).
      case when status = 'churned' then 0.5 + 0.4 * churn_detail
        when status = 'suspended' then 0.2 + 0.3 * churn_detail
        when churn_prone and churn_kind < ${SHAPE.decliningBelow} then 0.5 + 0.4 * churn_detail
        when churn_prone then 0.1 else 0 end as decline,
      case when status = 'suspended' then 6
        when status = 'active' and churn_prone and churn_kind >= ${SHAPE.decliningBelow}
          then case when churn_detail < 0.5 then 5 else 6 end
        else 7 end as silent_from,
      (case when is_campus then 18 + floor(${u('n', S.age)} * 6) else 18 + floor(${u('n', S.age)} * 58) end)::int as age,
      (${districtCodes})[district_idx] as district_code,
      0.55 + 0.45 * ${u('n', S.activity)} as activity,
      1.5 + 4 * ${u('n', S.voiceRate)} as voice_rate,
      30 + 270 * ${u('n', S.dataRate)} as data_rate
    from traits t offset 0
  ),
  ${CUSTOMER_ROWS} as materialized (
    select p.*,
      ${msisdnExpression('n', context.seed)} as msisdn,
      ${pickFrom(expandWeights(SURNAMES), u('n', S.surname))} || ${pickFrom(GIVEN_NAMES, u('n', S.givenName))} as name,
      (${districtIds})[district_idx] as region_id,
      ${today} - tenure_days as joined_on,
      ${fitting('code')} as plan,
      case when payment_type = 'prepaid' then 0
        else greatest(10000, round((${fitting('feeCents')}) * case when value_z > ${SHAPE.vipZ} then 4 else 2 end / 5000.0) * 5000)
        end::int as credit_limit_cents,
      -- Prepaid balances are what is left of recharges; suspension means arrears (a negative balance).
      (case when status = 'suspended' and payment_type = 'prepaid' then -(100 + floor(${u('n', S.balance)} * 2000))
        when status = 'suspended' then -round(spend_cents * (1 + ${u('n', S.balance)}))
        when status = 'churned' then 0
        when payment_type = 'prepaid' then round(spend_cents * (0.1 + 1.9 * ${u('n', S.balance)}))
        when ${u('n', S.deposit)} < 0.2 then round(spend_cents * 3 * ${u('n', S.balance)})
        else 0 end)::int as balance_cents,
      floor(tenure_days / 30.4 * spend_cents / 100.0 * (0.3 + 0.7 * ${u('n', S.points)}))::int as points,
      case when in_enterprise
          or (payment_type = 'postpaid' and ${u('n', S.contract)} < 0.65)
          or (payment_type = 'prepaid' and ${u('n', S.contract)} < 0.08)
        then ${today} + (case when status = 'churned' or ${u('n', S.contractPast)} < 0.12
          then -(1 + floor(${u('n', S.contractDays)} * 120)) else 1 + floor(${u('n', S.contractDays)} * 365) end)::int
        end as contract_ends_on,
      case when ${u('n', S.deviceNone)} < 0.04 then null
        when value_z > 0.5 then ${pickFrom(expandWeights(PREMIUM_DEVICES), u('n', S.device))}
        else ${pickFrom(expandWeights(MAINSTREAM_DEVICES), u('n', S.device))} end as device,
      -- A birthday in the coming week for a few, otherwise any day of the year.
      (case when ${u('n', S.birthdayThisWeek)} < ${SHAPE.birthdayThisWeekShare}
        then ${today} + floor(${u('n', S.birthdayOffset)} * 7)::int
        else ${today} - floor(${u('n', S.birthdayOffset)} * 365)::int end - make_interval(years => age))::date as birthday,
      case when in_enterprise then 'ENT-' || lpad(enterprise_block::text, 6, '0')
        when in_household then 'HH-' || lpad(household_block::text, 7, '0') end as group_id,
      case when in_enterprise then 'enterprise' when in_household then 'household' end as group_kind,
      case when in_enterprise then ${manager('enterprise_manager_draw')}
        when value_z > ${SHAPE.vipZ} then ${manager(u('n', S.accountManager))} end as account_manager,
      jsonb_build_object(
        'sms', ${u('n', S.consentSms)} >= 0.04, 'call', ${u('n', S.consentCall)} >= 0.10,
        'app', ${u('n', S.consentApp)} >= 0.06, 'email', ${u('n', S.consentEmail)} >= 0.15) as consent
    from profile p
  )`;
}

function value(v: string | number): string {
  return typeof v === 'number' ? integerLiteral(v) : textLiteral(v);
}
