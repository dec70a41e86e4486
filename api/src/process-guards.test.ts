import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guards = fileURLToPath(new URL('./process-guards.ts', import.meta.url));
const log = join(root, 'packages/platform/src/log.ts');

/** Runs a script with the guards installed; `stop` prints 'stopped'. */
function run(body: string) {
  const script = `
    import { guardProcess } from ${JSON.stringify(guards)};
    import { createLogger } from ${JSON.stringify(log)};
    guardProcess(createLogger('info'), async () => { console.log('stopped'); });
    ${body}`;
  return spawnSync(join(root, 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { cwd: join(root, 'api'), encoding: 'utf8', timeout: 30_000 });
}

describe('process guards', () => {
  it('logs an unhandled rejection as a JSON line and keeps the process running', () => {
    const result = run(`Promise.reject(new Error('nobody awaited this')); setTimeout(() => console.log('still running'), 200);`);
    expect(result.stdout).toContain('still running');
    expect(result.status).toBe(0);
    const line = JSON.parse(result.stderr.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ level: 'error', msg: 'unhandled promise rejection; still serving', error: { message: 'nobody awaited this' } });
  });

  it('logs an uncaught exception, stops the server and exits with 1', () => {
    const result = run(`setTimeout(() => { throw new TypeError('thrown from a timer'); }, 10); setTimeout(() => console.log('never'), 3000);`);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('stopped');
    expect(result.stdout).not.toContain('never');
    const line = JSON.parse(result.stderr.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ level: 'error', msg: 'uncaught exception; stopping', error: { name: 'TypeError', message: 'thrown from a timer' } });
  });
});
