/** `pnpm bench` (segments and the customers page, run.ts), `pnpm bench load` (requests under load, load/run.ts) or `pnpm bench import` (import/run.ts). */
if (process.argv.slice(2).includes('load')) await import('./load/run.js');
else if (process.argv.slice(2).includes('import')) await import('./import/run.js');
else await import('./run.js');
