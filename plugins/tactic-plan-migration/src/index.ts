import { defineTactics } from '@weixi/sdk';
import { planMigrationTactic, type PlanMigrationSettings } from './tactic.js';

/** 套餐迁移法: the `plan-migration` tactic, its recommendation refined from each customer's usage. */
export default defineTactics<PlanMigrationSettings>((ctx) => ({ 'plan-migration': planMigrationTactic(ctx.services) }));
