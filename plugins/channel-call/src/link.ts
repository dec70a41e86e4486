/**
 * One connection to a call centre's broker: a confirm channel for call tasks and a channel consuming the
 * dispositions. amqplib's recovery reconnects after a loss (every `reconnectDelayMs`) and `setup` redeclares
 * the queues and consumes again; between a loss and the next connection, publishing throws at once so the
 * core retries the contact later rather than waiting on a broker that may stay away.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type RecoveringChannelModel } from 'amqplib';
import type { PluginLogger } from '@weixi/sdk';
import type { DispositionHandler } from './apply.js';
import { brokerName, type LinkConfig } from './settings.js';

export class CallCentreLink {
  private model: RecoveringChannelModel | null = null;
  /** Set while connected: the channel tasks are published on. */
  private tasks: ConfirmChannel | null = null;
  private firstAttempt: Promise<void> | null = null;
  private closed = false;
  /** Ends the wait for the first attempt early (a close before it settled). */
  private firstSettled = () => {};
  readonly broker: string;

  constructor(
    private readonly config: LinkConfig,
    private readonly onDisposition: DispositionHandler,
    private readonly logger: PluginLogger,
  ) {
    this.broker = brokerName(config.url);
  }

  get connected(): boolean {
    return this.tasks !== null;
  }

  /** Connects on first use; resolves once the first attempt connected or failed (recovery keeps trying). */
  open(): Promise<void> {
    this.firstAttempt ??= this.start();
    return this.firstAttempt;
  }

  /** Publishes a persistent task and waits for the broker's confirm; throws when not connected or not confirmed. */
  async publish(body: unknown, messageId: string): Promise<void> {
    await this.open();
    const tasks = this.tasks;
    if (!tasks) throw new Error(`call centre broker ${this.broker} is not connected; the contact is retried`);
    const { taskQueue, confirmTimeoutMs } = this.config;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker ${this.broker} did not confirm ${messageId} within ${confirmTimeoutMs} ms`)), confirmTimeoutMs);
      const settle = (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(new Error(`broker ${this.broker} did not take ${messageId}: ${error instanceof Error ? error.message : String(error)}`));
        else resolve();
      };
      try {
        tasks.sendToQueue(taskQueue, Buffer.from(JSON.stringify(body)), { persistent: true, messageId, contentType: 'application/json', type: 'weixi.call.task', appId: 'weixi' }, settle);
      } catch (error) {
        settle(error ?? new Error('channel closed')); // a channel closed since the check throws here
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tasks = null;
    this.firstSettled();
    await this.model?.close().catch(() => {});
  }

  private async start(): Promise<void> {
    const { url, taskQueue, reconnectDelayMs } = this.config;
    const fields = { broker: this.broker, taskQueue };
    const model = await connect(url, {
      // Names the connection in the broker's management UI and `rabbitmqctl list_connections`.
      clientProperties: { connection_name: `weixi channel-call (${taskQueue})` },
      recovery: { waitForConnect: false, calculateDelay: () => reconnectDelayMs, setup: (m: ChannelModel) => this.setup(m) },
    });
    this.model = model;
    if (this.closed) return void (await model.close());
    const first = new Promise<void>((resolve) => {
      this.firstSettled = resolve;
      model.once('connect', () => resolve());
      model.once('connect-failed', () => resolve());
    });
    model.on('connect', () => this.logger.info('call centre connected', fields));
    model.on('connect-failed', (error: Error) => this.logger.warn('call centre connection failed', { ...fields, error: error.message, retryInMs: reconnectDelayMs }));
    model.on('disconnect', (error: Error) => {
      this.tasks = null;
      this.logger.warn('call centre disconnected', { ...fields, error: error.message, retryInMs: reconnectDelayMs });
    });
    model.on('error', (error: Error) => this.logger.warn('call centre connection error', { ...fields, error: error.message }));
    await first;
  }

  /** Runs after every (re)connection: declares the queues, opens both channels, consumes the dispositions. */
  private async setup(model: ChannelModel): Promise<void> {
    const { taskQueue, dispositionQueue, prefetch } = this.config;
    // A channel lost alone (a broker-side channel error) takes the connection with it, so recovery rebuilds both.
    const dropConnection = () => void (this.closed ? undefined : model.close().catch(() => {}));
    const tasks = await model.createConfirmChannel();
    tasks.on('error', (error: Error) => this.logger.warn('call task channel error', { broker: this.broker, error: error.message }));
    tasks.on('close', () => {
      if (this.tasks === tasks) this.tasks = null;
      dropConnection();
    });
    await tasks.assertQueue(taskQueue, { durable: true });
    const inbox = await model.createChannel();
    inbox.on('error', (error: Error) => this.logger.warn('call disposition channel error', { broker: this.broker, error: error.message }));
    inbox.on('close', dropConnection);
    await inbox.assertQueue(dispositionQueue, { durable: true });
    await inbox.prefetch(prefetch);
    await inbox.consume(dispositionQueue, (message) => (message ? void this.receive(inbox, message) : dropConnection()), { noAck: false });
    this.tasks = tasks;
  }

  private async receive(inbox: Channel, message: ConsumeMessage): Promise<void> {
    const meta = { queue: this.config.dispositionQueue, redelivered: message.fields.redelivered };
    try {
      await this.onDisposition(message.content, meta);
    } catch (error) {
      // Not recorded (the database is away): back to the queue, after a pause so it does not spin.
      this.logger.warn('call disposition not recorded; requeued', { ...meta, error: error instanceof Error ? error.message : String(error) });
      await sleep(this.config.reconnectDelayMs);
      settle(() => inbox.nack(message, false, true));
      return;
    }
    settle(() => inbox.ack(message));
  }
}

/** Acks and nacks on a channel that closed meanwhile throw: the broker redelivers those messages anyway. */
function settle(step: () => void): void {
  try {
    step();
  } catch {
    // the channel is gone; the message is redelivered on the next connection
  }
}
