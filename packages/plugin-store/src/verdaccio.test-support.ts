/**
 * A real Verdaccio registry for tests: started on a free loopback port with its own config and storage,
 * no uplink (nothing reaches npmjs.org), one user to publish with.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestRegistry {
  url: string;
  token: string;
  /** Verdaccio's storage folder: `<storage>/<name>/<name>-<version>.tgz`. */
  storage: string;
  /** `npm publish`es the folder to this registry. */
  publish(dir: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRegistry(): Promise<TestRegistry> {
  const home = await mkdtemp(join(tmpdir(), 'weixi-verdaccio-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  await writeFile(
    join(home, 'config.yaml'),
    [
      `storage: ${join(home, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(home, 'htpasswd')}`,
      '    max_users: 10',
      '    algorithm: sha512',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: json, level: error }',
      '',
    ].join('\n'),
  );
  const bin = join(dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', join(home, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}-/ping`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 200 || child.exitCode !== null) throw new Error('verdaccio did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const response = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'publisher', password: 'publisher-password' }),
  });
  const { token } = (await response.json()) as { token: string };
  const npmrc = join(home, 'npmrc');
  await writeFile(npmrc, `//127.0.0.1:${port}/:_authToken=${token}\n`);
  return {
    url,
    token,
    storage: join(home, 'storage'),
    publish: async (dir) => {
      await run('npm', ['publish', '--registry', url, '--userconfig', npmrc, '--ignore-scripts'], { cwd: dir });
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(home, { recursive: true, force: true });
    },
  };
}
