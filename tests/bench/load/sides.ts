/**
 * The servers of the load and soak benches, each in its own process (serve.ts) so its CPU and memory are
 * its own: started with what to serve, asked for its memory, stopped for its peak RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BaselineScope } from './queries.js';

export interface Side {
  url: string;
  child: ChildProcess;
}

export interface SideOptions {
  url: string;
  pool: number;
  scopes: Record<string, BaselineScope>;
  /** Another checkout of Weixi (its directory) to serve instead of this one. */
  checkout?: string;
  /** Extra Node flags (a CPU profile, `--expose-gc`). */
  nodeArgs?: string[];
}

export function startSide(side: 'weixi' | 'baseline', options: SideOptions): Promise<Side> {
  const serve = options.checkout ? `${options.checkout}/tests/bench/load/serve.ts` : fileURLToPath(new URL('./serve.ts', import.meta.url));
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...(options.nodeArgs ?? []), '--import', 'tsx', serve], {
    cwd: options.checkout,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, WEIXI_LOAD_SIDE: side, WEIXI_LOAD_DATABASE_URL: options.url, WEIXI_LOAD_SCOPES: JSON.stringify(options.scopes), WEIXI_LOAD_POOL: String(options.pool) },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${side} server exited with ${code}`)));
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }));
  });
}

/** Stops the server; resolves to its peak RSS, MB. */
export function stopSide(side: Side): Promise<number> {
  return new Promise((resolve) => {
    side.child.removeAllListeners('exit');
    side.child.once('message', (m: { maxRssMb: number }) => resolve(m.maxRssMb));
    side.child.send('stop');
  });
}

export interface SideMemory {
  /** V8 heap in use after a full collection (the server runs with `--expose-gc`), else as found, MB. */
  heapUsedMb: number;
  rssMb: number;
}

/** The server's memory now; collected first when it runs with `--expose-gc`. */
export function memoryOf(side: Side): Promise<SideMemory> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (!m || typeof m !== 'object' || !('heapUsedMb' in m)) return;
      side.child.off('message', onMessage);
      resolve(m as SideMemory);
    };
    side.child.on('message', onMessage);
    side.child.send('memory');
  });
}

/** CPU time (user + system) of process `pid` so far, ms, from /proc (0 off Linux). */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** One GraphQL request with a bearer token; its data, or an error naming the answer. */
export async function ask(target: string, token: string, query: string): Promise<unknown> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (!res.ok || body.errors) throw new Error(`${target} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}
