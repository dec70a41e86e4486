/**
 * The customer rows of one chunk, as SQL: a chain of subqueries over `generate_series(first, last)`, each
 * adding the columns that depend on the previous ones. `offset 0` keeps each layer from being flattened,
 * so every draw is computed once per row instead of once per reference.
 *
 * Households are 4-row blocks of consecutive row numbers and enterprises 64-row blocks; a block's draws
 * decide whether it forms a group, how large, and where it lives, so members share a district. A household
 * whose member leaves decides from its block draws who leaves and when, so each member's row can tell
 * whether it follows without looking at the others (which may be in another chunk).
 *
 * Churn dates are spread evenly over the usage window and today; each customer at risk gets an anchor date
 * (see signals.ts) that the usage, the balance, the contract, the handset and the port-out inquiries follow.
 */
import type { GeneratorContext } from './context.js';
import { MAINSTREAM_DEVICES, PREMIUM_DEVICES } from './devices.js';
import { createDraws } from './draws.js';
import { msisdnExpression } from './msisdn.js';
import { GIVEN_NAMES, SURNAMES } from './names.js';
import { DEMO_PLANS, planFor } from './plans.js';
import { SHAPE } from './shape.js';
import { signalSql, type Signal } from './signals.js';
import { arrayLiteral, dateLiteral, expandWeights, integerLiteral, pickFrom, textLiteral } from './sql-text.js';
import { STREAM as S } from './streams.js';

/** The CTE holding a chunk's customer rows: inserted into `customers`, then read again for their usage. */
export const CUSTOMER_ROWS = 'customer_rows';

export function customerRowsSql(context: GeneratorContext, first: number, last: number): string {
  const draws = createDraws(context.seed);
  const { uniform: u, normal } = draws;
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
  const window = churnWindow(context);
  const signal = (name: Signal) => signalSql(draws, name);
  const manager = (draw: string) => `'AM-' || district_code || '-' || lpad((1 + floor(${draw} * 4))::int::text, 2, '0')`;

  return `
  blocks as (
    select n, (n - 1) / 4 as household_block, (n - 1) % 4 as household_pos,
      (n - 1) / 64 as enterprise_block, (n - 1) % 64 as enterprise_pos,
      2 + floor(${u('(n - 1) / 4', S.householdSize)} * 3) as household_size
    from generate_series(${integerLiteral(first)}::bigint, ${integerLiteral(last)}::bigint) as n
  ),
  draws as (
    select b.*,
      ${normal('n', S.valueA, S.valueB)} as value_z,
      ${u('n', S.churn)} as churn_draw,
      ${u('household_block', S.householdLeave)} as leave_draw,
      ${u('enterprise_block', S.enterprise)} < ${SHAPE.enterpriseBlockShare}
        and enterprise_pos < 4 * (3 + floor(${u('enterprise_block', S.enterpriseSize)} * 8)) as in_enterprise,
      ${u('household_block', S.household)} < ${SHAPE.householdBlockShare} and household_pos < household_size as household_candidate,
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
      -- A uniform draw below rate × days is a churn, on the day it points at: even over the window and the
      -- next ${FUTURE_CHURN_DAYS} days (customers leaving soon, active today, in the run-up now).
      case when churn_draw < ${window.ownShare}
        then ${today} + ${FUTURE_CHURN_DAYS - 1} - floor(churn_draw / ${window.ownDaily})::int end as own_churn_on,
      case when leave_draw < ${window.householdShare} then ${today} - 1 - floor(leave_draw / ${window.householdDaily})::int end
        as household_leave_on,
      household_pos = floor(${u('household_block', S.householdLeader)} * household_size) as household_leader,
      ${pickFrom(districtIndex, `case when in_enterprise then enterprise_district_draw
        when household_candidate then household_district_draw else own_district_draw end`)} as district_idx,
      least(${SHAPE.maxSpendCents}, greatest(${SHAPE.minSpendCents},
        round(exp(ln(${SHAPE.medianSpendCents}) + ${SHAPE.spendSigma} * value_z))))::int as drawn_spend_cents
    from draws d offset 0
  ),
  fates as (
    select t.*,
      -- The earlier of the customer's own churn and the household's: its leader, or a member following.
      least(own_churn_on, case when in_household and household_leader then household_leave_on
          when in_household and ${u('n', S.follows)} < ${SHAPE.householdFollowShare}
            then household_leave_on + 10 + floor(${u('n', S.followDelay)} * 70)::int end) as churn_on
    from traits t offset 0
  ),
  risks as (
    select f.*,
      -- A churn date ahead is a customer still active today, about to leave.
      case when churn_on < ${today} then churn_on end as churned_on,
      case when churn_on < ${today} then 'churned' when churn_on is not null then 'active'
        when ${u('n', S.suspended)} < ${SHAPE.suspendedShare} then 'suspended' else 'active' end as status,
      case when churn_on is not null then 'churned'
        when ${u('n', S.suspended)} < ${SHAPE.suspendedShare} then 'suspended'
        when ${u('n', S.wobbler)} < ${SHAPE.wobblerShare} then 'wobbler' end as risk,
      -- The date the signals lead up to: the churn, today for the suspended, any day of the window (or
      -- the next two months) for a wobbler, who recovers after it.
      case when churn_on is not null then churn_on
        when ${u('n', S.suspended)} < ${SHAPE.suspendedShare} then ${today}
        when ${u('n', S.wobbler)} < ${SHAPE.wobblerShare}
          then ${dateLiteral(context.calendar.months[0]!)} + floor(${u('n', S.anchorDay)} * ${window.days + 60})::int end as anchor_on,
      (1 + floor(${u('n', S.lead)} * 4))::int as lead
    from fates f offset 0
  ),
  profile as (
    select r.*,
      -- Campus lines are cheap and enterprise lines pay at least their group plan.
      case when is_campus then least(greatest(drawn_spend_cents, ${campus.feeCents}), 9000)
        when in_enterprise then greatest(drawn_spend_cents, ${enterprise.feeCents})
        else drawn_spend_cents end as spend_cents,
      case when in_enterprise then 'postpaid'
        when ${u('n', S.payment)} < case when is_campus then 0.9 when value_z > ${SHAPE.highValueZ} then 0.35 else 0.66 end
          then 'prepaid' else 'postpaid' end as payment_type,
      -- Churners joined before their churn (early churners 15-115 days before, or before today); the
      -- suspended and enterprise lines have some history; everyone else joined over ten years, a few lately.
      (case when churn_on is not null then greatest(${today} - churn_on, 0) + case when ${u('n', S.earlyChurn)} < ${SHAPE.earlyChurnShare}
          then 15 + floor(${u('n', S.joinedDays)} * 100) else 180 + floor(${u('n', S.joinedDays)} * 3400) end
        when status = 'suspended' or in_enterprise then 200 + floor(${u('n', S.joinedDays)} * 3450)
        when ${u('n', S.joinedRecently)} < ${SHAPE.recentJoinShare} then floor(${u('n', S.joinedDays)} * 92)
        else 92 + floor(${u('n', S.joinedDays)} * 3558) end)::int as tenure_days,
      (extract(year from anchor_on) * 12 + extract(month from anchor_on) - 1)::int as anchor_mi,
      ${signal('revenue')} as sig_revenue,
      ${signal('voice')} as sig_voice,
      ${signal('data')} as sig_data,
      ${signal('silence')} as sig_silence,
      ${signal('complaints')} as sig_complaints,
      ${signal('competitors')} as sig_competitors,
      ${signal('portOut')} as sig_port_out,
      ${signal('arrears')} as sig_arrears,
      ${signal('contractEnd')} as sig_contract_end,
      ${signal('oldDevice')} as sig_old_device,
      -- How deep each signal gets by the anchor month, and how many months before it are silent.
      0.5 + 0.4 * ${u('n', S.decline)} as decline,
      0.6 + 0.35 * ${u('n', S.voiceDecline)} as voice_decline,
      0.6 + 0.35 * ${u('n', S.dataDecline)} as data_decline,
      (1 + floor(${u('n', S.silenceMonths)} * 3))::int as silence_months,
      (1 + (${u('n', S.inquiries)} < 0.35)::int)::int as inquiries,
      risk is null and ${u('n', S.dormant)} < ${SHAPE.dormantShare} as dormant,
      case when ${u('n', S.deviceNone)} < 0.04 then null
        when value_z > 0.5 then ${pickFrom(expandWeights(PREMIUM_DEVICES), u('n', S.device))}
        else ${pickFrom(expandWeights(MAINSTREAM_DEVICES), u('n', S.device))} end as device,
      (case when is_campus then 18 + floor(${u('n', S.age)} * 6) else 18 + floor(${u('n', S.age)} * 58) end)::int as age,
      (${districtCodes})[district_idx] as district_code,
      0.55 + 0.45 * ${u('n', S.activity)} as activity,
      1.5 + 4 * ${u('n', S.voiceRate)} as voice_rate,
      30 + 270 * ${u('n', S.dataRate)} as data_rate
    from risks r offset 0
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
      -- Prepaid balances are what is left of recharges; suspension means arrears (a negative balance), and
      -- some postpaid churners left owing their last bill (or owe it now, about to leave). Balances are
      -- today's: no history.
      (case when status = 'suspended' and payment_type = 'prepaid' then -(100 + floor(${u('n', S.balance)} * 2000))
        when status = 'suspended' then -round(spend_cents * (1 + ${u('n', S.balance)}))
        when payment_type = 'postpaid' and sig_arrears
          then -round(greatest(spend_cents, 1000) * (1 + ${u('n', S.balance)}))
        when status = 'churned' then 0
        when payment_type = 'prepaid' then round(spend_cents * (0.1 + 1.9 * ${u('n', S.balance)}))
        when ${u('n', S.arrearsNoise)} < 0.015 then -(1000 + round(spend_cents * ${u('n', S.balance)}))
        when ${u('n', S.deposit)} < 0.2 then round(spend_cents * 3 * ${u('n', S.balance)})
        else 0 end)::int as balance_cents,
      floor(tenure_days / 30.4 * spend_cents / 100.0 * (0.3 + 0.7 * ${u('n', S.points)}))::int as points,
      case when in_enterprise
          or (payment_type = 'postpaid' and ${u('n', S.contract)} < 0.65)
          or (payment_type = 'prepaid' and ${u('n', S.contract)} < 0.08)
        -- Half the churners under contract left within 45 days of its end, the others long after it.
        then case when sig_contract_end then churn_on - floor(${u('n', S.contractDays)} * 45)::int
          when churn_on is not null then churn_on - (46 + floor(${u('n', S.contractDays)} * 400))::int
          when ${u('n', S.contractPast)} < 0.2 then ${today} - (1 + floor(${u('n', S.contractDays)} * ${window.days}))::int
          else ${today} + (1 + floor(${u('n', S.contractDays)} * 365))::int end
        end as contract_ends_on,
      -- The handset's purchase: up to 42 months before the churn (or today); 30-60 months for old-device churners.
      case when device is null then '{}'::jsonb else jsonb_build_object('devicePurchasedOn', to_char(
        case when sig_old_device then least(churn_on, ${today}) - (913 + floor(${u('n', S.devicePurchase)} * 913))::int
          else least(churn_on, ${today}) - floor(${u('n', S.devicePurchase)} * 1280)::int end, 'YYYY-MM-DD')) end as attributes,
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

/** Churn dates reach this far past today: those customers are still active, their signals under way. */
const FUTURE_CHURN_DAYS = 120;

/** The churn draws' scales: a draw below `share` churns, each `daily` of it one day earlier than the last day churn reaches. */
function churnWindow(context: GeneratorContext) {
  const days = (Date.parse(context.calendar.today) - Date.parse(context.calendar.months[0]!)) / 86_400_000;
  const perDay = (monthly: number) => monthly / 30.4375;
  return {
    days,
    ownDaily: perDay(SHAPE.monthlyChurnRate),
    ownShare: perDay(SHAPE.monthlyChurnRate) * (days + FUTURE_CHURN_DAYS),
    householdDaily: perDay(SHAPE.householdLeaveMonthlyRate),
    householdShare: perDay(SHAPE.householdLeaveMonthlyRate) * days,
  };
}

function value(v: string | number): string {
  return typeof v === 'number' ? integerLiteral(v) : textLiteral(v);
}
