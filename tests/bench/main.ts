/**
 * `pnpm bench` (segments and the customers page, run.ts), `pnpm bench load` (requests under load, load/run.ts),
 * `pnpm bench warnings` (a full run of every warning rule, warnings/run.ts), `pnpm bench import`
 * (`weixi import usage` against psql \copy, import/run.ts) or `pnpm bench planner` (the planner over 100,000 warned
 * customers against one hand-written INSERT ... SELECT, planner/run.ts) or `pnpm bench gate` (the contact-policy gate
 * over 50,000 queued contacts against one hand-written UPDATE a batch, gate/run.ts) or `pnpm bench kpis` (a province's KPIs by city
 * over 12 months of history against one hand-written statement, kpis/run.ts) or `pnpm bench extension-host` (a plugin
 * field over a page of 100 customers, its plugin in an extension host process against in process, extension-host/run.ts).
 */
const args = process.argv.slice(2);
if (args.includes('load')) await import('./load/run.js');
else if (args.includes('warnings')) await import('./warnings/run.js');
else if (args.includes('import')) await import('./import/run.js');
else if (args.includes('planner')) await import('./planner/run.js');
else if (args.includes('gate')) await import('./gate/run.js');
else if (args.includes('kpis')) await import('./kpis/run.js');
else if (args.includes('soak')) await import('./soak/run.js');
else if (args.includes('extension-host')) await import('./extension-host/run.js');
else await import('./run.js');
