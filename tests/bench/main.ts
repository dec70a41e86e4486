/** `pnpm bench` (segments and the customers page, run.ts) or `pnpm bench load` (requests under load, load/run.ts). */
if (process.argv.slice(2).includes('load')) await import('./load/run.js');
else await import('./run.js');
