/**
 * A sender process for the outbox crash test: opens the database at argv[2], hosts the pager plugin (enabled
 * there) and pages customer argv[3] with key argv[4], a service message as the pager's own mutation sends
 * (no frequency cap). With PAGER_HANG set, the channel call never returns, and the test kills this process.
 */
import { PluginHost, systemClock } from '@weixi/core';
import { openDatabase } from '@weixi/db';
import { PAGER_PLUGIN } from '../plugins/fixtures/index.js';

const [url, customerId, key] = process.argv.slice(2);
const database = await openDatabase({ url, maxConnections: 2 });
const host = new PluginHost({ database, clock: systemClock, plugins: [PAGER_PLUGIN] });
await host.start();
const result = await host.services('pager').contacts.send({ channel: 'pager', customerId: Number(customerId), message: 'hello', purpose: 'service', idempotencyKey: key! });
process.stdout.write(`done ${JSON.stringify(result)}\n`);
await host.stop();
await database.close();
