/** The test's side of the real broker: reads call tasks, publishes dispositions, cuts the plugin's connection. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';

export const BROKER_URL = process.env.WEIXI_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface CallCentre {
  taskQueue: string;
  dispositionQueue: string;
  /** Every task read so far, in order. */
  readonly tasks: GetMessage[];
  /** Reads the tasks waiting on the task queue (and acks them). */
  takeTasks(): Promise<GetMessage[]>;
  dispose(body: unknown): Promise<void>;
  /** Messages still on a queue, and its consumers. */
  depth(queue: string): Promise<{ messageCount: number; consumerCount: number }>;
  /** Deletes the queues (and `more` the test had the plugin declare) and disconnects. */
  close(...more: string[]): Promise<void>;
}

/** Queues unique to this run, so parallel runs (PGlite and PostgreSQL) never share one. */
export async function callCentre(): Promise<CallCentre> {
  const run = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  const taskQueue = `weixi.test.call.tasks.${run}`;
  const dispositionQueue = `weixi.test.call.dispositions.${run}`;
  const connection: ChannelModel = await connect(BROKER_URL);
  const channel: Channel = await connection.createChannel();
  await channel.assertQueue(taskQueue, { durable: true });
  await channel.assertQueue(dispositionQueue, { durable: true });
  const tasks: GetMessage[] = [];
  return {
    taskQueue,
    dispositionQueue,
    tasks,
    async takeTasks() {
      const taken: GetMessage[] = [];
      for (let m = await channel.get(taskQueue); m; m = await channel.get(taskQueue)) {
        channel.ack(m);
        taken.push(m);
      }
      tasks.push(...taken);
      return taken;
    },
    async dispose(body) {
      channel.sendToQueue(dispositionQueue, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { persistent: true });
    },
    depth: (queue) => channel.checkQueue(queue),
    async close(...more) {
      for (const queue of [taskQueue, dispositionQueue, ...more]) await channel.deleteQueue(queue).catch(() => {});
      await connection.close();
    },
  };
}

const run = promisify(execFile);

/** Closes, from the broker's side, the connection the plugin opened for `taskQueue` (as a broker restart would). */
export async function cutConnection(taskQueue: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers']);
  const line = stdout.split('\n').find((l) => l.includes(`weixi channel-call (${taskQueue})`));
  if (!line) throw new Error(`no broker connection for ${taskQueue}:\n${stdout}`);
  await run('rabbitmqctl', ['close_connection', line.split('\t')[0]!, 'test: connection cut']);
}

/** Polls until `check` returns a truthy value (or throws after `ms`). */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
