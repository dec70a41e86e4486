/**
 * `weixi model train|score|report`: the churn model rule of the plugin enabled in a region. `train` learns
 * from the region subtree's customers with known outcomes and stores the next version; `score` scores the
 * region's cities now (writing their warnings), or, with `--file`, the rows of a file without importing
 * them, one output line per input row; `report` prints the stored versions' cross-validated figures.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import { historyOf, InputError, NotFoundError, PluginHost, regionsByCode, type RawHistory } from '@weixi/core';
import type { Database } from '@weixi/db';
import { readMappedFile, type ReadRecord } from '@weixi/import';
import { withPluginHost } from '../plugin-host.js';
import type { CustomerHistory, StoredChurnModel } from '@weixi/sdk';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseOptions, wholeNumber } from '../arguments.js';
import { csvField } from '../csv.js';
import { describeDatabase, withDatabase } from '../database.js';

const USAGE = `Usage: weixi model train --region CODE [--as-of YYYY-MM] [--horizon N] [--plugin ID] [--enable] [--json]
       weixi model score --region CODE [--plugin ID]
       weixi model score --region CODE --file F (--preset P | --mapping M.json) --output OUT.csv [--plugin ID]
       weixi model report [--region CODE] [--json]

train    learns a churn model from the customers of the region's subtree whose outcome is known:
         features as of --as-of (default: the latest month with usage, or a horizon earlier when
         nobody churned after it), churned = churned within --horizon months (default 3) after it.
         Every candidate of the plugin's settings is cross-validated (stratified folds, by customer);
         the plugin's choice (warning-churn-model: the simplest within one standard error of the best
         mean AUC) is kept as the region's next version. Its cities, and those below without
         a model of their own, are scored with it.
score    scores the current customers of every city of the region where the plugin is enabled, with
         the latest model of the city or its nearest ancestor, and writes their warnings (as the
         rule's daily job does). With --file: reads the file with the preset or mapping (as an import
         would, nothing is written) and writes OUT.csv: every input row, in order, with a score column
         (churn probability in [0,1]; empty with an error for a row that cannot be read) and factors.
report   the stored model versions of the region (and the ancestors whose models score it): AUC,
         lift in the top 10% and 20%, calibration, the feature importances.

Options:
      --region CODE        the region (a subtree)
      --as-of YYYY-MM      train: the month the features are cut at
      --horizon N          train: months after it in which a churn counts (1 to 12; default 3)
      --plugin ID          the model rule's plugin, when several are enabled in the region
      --enable             train: enable the plugin (--plugin, default warning-churn-model) in the
                           region first, as the enablePlugin mutation does
      --file F             score: a CSV file (gzip accepted) to score without importing it
      --preset P           score: how to read it (ibm-telco, bigml)
      --mapping M.json     score: or a mapping file
      --output OUT.csv     score: where the scored rows go
      --json               print the result as JSON
  -h, --help               show this help

Churned means status churned, or WEIXI_CHURN_MONTHS_WITHOUT_REVENUE months in a row without revenue
(default 3; 0: status only). The database is DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data.

Example: pnpm weixi model train --region IBM && pnpm weixi model report --region IBM`;

export const model: Command = {
  name: 'model',
  summary: 'train, apply and report the churn model of a region',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === '-h' || sub === '--help') return help();
    if (sub !== 'train' && sub !== 'score' && sub !== 'report') throw new UsageError(sub === undefined ? 'no subcommand given: use train, score or report' : `unknown subcommand '${sub}': use train, score or report`, 'model');
    const values = parseOptions('model', rest, {
      region: { type: 'string' },
      'as-of': { type: 'string' },
      horizon: { type: 'string' },
      plugin: { type: 'string' },
      file: { type: 'string' },
      preset: { type: 'string' },
      mapping: { type: 'string' },
      output: { type: 'string' },
      json: { type: 'boolean' },
      enable: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return help();
    const region = values.region;
    if (sub !== 'report' && region === undefined) throw new UsageError(`--region CODE is required for model ${sub}`, 'model');
    const asOfMonth = values['as-of'];
    if (asOfMonth !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(asOfMonth)) throw new UsageError(`--as-of must be a month YYYY-MM, got '${asOfMonth}'`, 'model');
    const horizonMonths = wholeNumber('horizon', values.horizon, { min: 1, max: 12 });
    if (sub === 'score' && values.file !== undefined && values.output === undefined) throw new UsageError('--output OUT.csv is required with --file', 'model');
    if (sub === 'score' && values.file !== undefined && (values.preset === undefined) === (values.mapping === undefined)) throw new UsageError('--file needs --preset P or --mapping M.json (one of them)', 'model');
    const pluginId = values.plugin;

    return withDatabase(async (database) => {
      return withPluginHost(database, async (host) => {
        try {
          if (sub === 'train') {
            if (values.enable) {
              const state = await host.enable(pluginId ?? 'warning-churn-model', region!);
              if (state.status !== 'active') throw new CliError(`plugin '${state.id}' could not be enabled in ${region}: ${state.error ?? state.status}`);
            }
            process.stderr.write(`Training the churn model of ${region} in ${describeDatabase()}...\n`);
            const bar = progressBar(process.stderr);
            let result;
            try {
              result = await host.trainChurnModel({ regionCode: region!, asOfMonth, horizonMonths, pluginId, onProgress: bar.update });
            } finally {
              bar.stop();
            }
            process.stdout.write(values.json ? `${JSON.stringify(result.model, replacer, 2)}\n` : report([{ ...result.model, rule: `${result.pluginId}/${result.ruleId}` }]));
            return 0;
          }
          if (sub === 'report') {
            const regionPath = region === undefined ? null : await pathOf(database.db, region);
            const models = await host.churnModels({ regionPath, limit: 50 });
            process.stdout.write(values.json ? `${JSON.stringify(models, replacer, 2)}\n` : models.length === 0 ? `No churn model trained${region ? ` for ${region}` : ''} yet: weixi model train --region CODE\n` : report(models));
            return 0;
          }
          if (values.file === undefined) {
            const summaries = await host.scoreChurnModels(region!, { pluginId });
            process.stdout.write(values.json ? `${JSON.stringify(summaries, null, 2)}\n` : summaries.map((s) => (s.modelVersion === null ? `${s.regionCode}: not scored (no model covers it, or no usage yet)` : `${s.regionCode}: ${format(s.scored)} customers scored as of ${s.asOfMonth} with model v${s.modelVersion}: ${format(s.warned)} warned, ${format(s.raised)} raised, ${format(s.resolved)} resolved`)).join('\n') + '\n');
            return 0;
          }
          const counts = await scoreFile(host, database, { region: region!, pluginId, file: values.file, preset: values.preset, mapping: values.mapping, output: values.output! });
          process.stderr.write(`${format(counts.rows)} rows scored with model v${counts.model.version} of ${counts.model.regionCode} into ${values.output}${counts.unreadable > 0 ? `; ${format(counts.unreadable)} rows could not be read (score empty, error column says why)` : ''}\n`);
          return 0;
        } catch (error) {
          if (error instanceof InputError || error instanceof NotFoundError) throw new CliError(error.message);
          throw error;
        }
      });
    });
  },
};

async function pathOf(db: Database['db'], code: string): Promise<string> {
  const region = (await regionsByCode(db, [code])).get(code);
  if (!region) throw new CliError(`region ${JSON.stringify(code)} does not exist`);
  return region.path;
}

/** Scores a file's rows in chunks and writes them in order with their scores; nothing is stored. */
async function scoreFile(
  host: PluginHost,
  database: Database,
  options: { region: string; pluginId?: string; file: string; preset?: string; mapping?: string; output: string },
): Promise<{ rows: number; unreadable: number; model: StoredChurnModel }> {
  const { readFile } = await import('node:fs/promises');
  const mapping = options.mapping === undefined ? undefined : JSON.parse(await readFile(options.mapping, 'utf8'));
  const source = await readMappedFile(database, { file: options.file, preset: options.preset, mapping });
  const out = createWriteStream(options.output);
  const write = async (line: string) => void (out.write(`${line}\n`) || (await once(out, 'drain')));
  await write([...source.columns, 'score', 'factors', 'error'].map(csvField).join(','));
  const lastComplete = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  let rows = 0;
  let unreadable = 0;
  let model: StoredChurnModel | undefined;
  for await (const chunk of source.chunks) {
    const readable = chunk.filter((r) => r.rejects.length === 0 && r.row.customer);
    const histories = readable.map((r) => historyOfRecord(r, lastComplete));
    const scored = await host.scoreChurnHistories(options.region, histories, { pluginId: options.pluginId });
    model = scored.model;
    const byLine = new Map(readable.map((r, i) => [r.line, scored.scores[i]!]));
    for (const record of chunk) {
      rows++;
      const s = byLine.get(record.line);
      if (!s) unreadable++;
      const cells = source.columns.map((c) => record.values[c] ?? '');
      const error = s ? '' : record.rejects.map((r) => `${r.column}: ${r.reason}`).join('; ') || 'no customer in this row';
      const factors = s ? s.factors.slice(0, 3).map((f) => `${f.feature} ${f.contribution >= 0 ? '+' : ''}${f.contribution}`).join('; ') : '';
      await write([...cells, s ? s.probability.toFixed(4) : '', factors, error].map(csvField).join(','));
    }
  }
  out.end();
  await once(out, 'finish');
  if (!model) model = (await host.scoreChurnHistories(options.region, [], { pluginId: options.pluginId })).model;
  return { rows, unreadable, model };
}

/** A file row as a history: as of its last usage month (else the last complete month), no events, no tier. */
function historyOfRecord(record: ReadRecord, lastComplete: string): CustomerHistory {
  const c = record.row.customer!;
  const usage = record.row.usage ?? [];
  const asOf = usage.reduce((m, u) => (u.month.slice(0, 7) > m ? u.month.slice(0, 7) : m), '') || lastComplete;
  const raw: RawHistory = {
    id: 0,
    region_code: c.regionCode,
    tier: null,
    plan: c.plan,
    payment_type: c.paymentType,
    joined_on: c.joinedOn,
    contract_ends_on: c.contractEndsOn ?? null,
    balance_cents: c.balanceCents ?? 0,
    credit_limit_cents: c.creditLimitCents ?? 0,
    points: c.points ?? 0,
    group_kind: c.groupKind ?? null,
    is_campus: c.isCampus ?? false,
    attributes: c.attributes ?? {},
    usage: usage.map((u) => ({ ...Object.fromEntries(Object.entries(u).filter(([k, v]) => k !== 'msisdn' && k !== 'month' && typeof v === 'number')), month: u.month.slice(0, 7) })),
    events: {},
  };
  return historyOf(raw, asOf);
}

function progressBar(stream: NodeJS.WriteStream): { update: (fraction: number, message?: string) => void; stop: () => void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: '  {bar} {percentage}% | {message}', hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { message: '' });
    return { update: (f, message) => bar.update(Math.round(f * 100), { message: message ?? '' }), stop: () => bar.stop() };
  }
  let last = 0;
  let lastMessage = '';
  return {
    update(f, message) {
      const now = Date.now();
      if (message === lastMessage || (now - last < 2000 && f < 1)) return;
      last = now;
      lastMessage = message ?? '';
      stream.write(`  ${Math.round(f * 100)}% ${lastMessage}\n`);
    },
    stop() {},
  };
}

function help(): number {
  process.stdout.write(`${USAGE}\n`);
  return 0;
}

const replacer = (key: string, value: unknown) => (key === 'parameters' ? undefined : value);

function report(models: Array<StoredChurnModel & { rule?: string; pluginId?: string; ruleId?: string }>): string {
  const lines: string[] = [];
  for (const m of models) {
    const x = m.metrics;
    lines.push(
      `${m.regionCode} v${m.version} (${m.rule ?? `${m.pluginId}/${m.ruleId}`}): ${m.label}, trained ${m.trainedAt.toISOString()} on ${format(m.trainingRows)} customers (${format(m.positives)} churned) as of ${m.asOfMonth}, horizon ${m.horizonMonths} months`,
      `  cross-validated (${x.repeats} x ${x.folds}-fold): AUC ${x.auc.toFixed(4)} ± ${x.aucSd.toFixed(4)}, lift top 10% ${x.liftAt10.toFixed(2)}, top 20% ${x.liftAt20.toFixed(2)}, log loss ${x.logLoss.toFixed(4)}, Brier ${x.brier.toFixed(4)}, calibration error ${x.ece.toFixed(4)}`,
      `  candidates: ${x.candidates.map((c) => `${c.label} ${c.auc.toFixed(4)}`).join('; ')}`,
      `  calibration (predicted → observed): ${x.calibration.map((b) => `${(b.predicted * 100).toFixed(0)}%→${(b.observed * 100).toFixed(0)}%`).join(' ')}`,
      `  top features: ${x.importances.slice(0, 8).map((f) => `${f.feature} ${(f.importance * 100).toFixed(1)}%`).join(', ')}`,
      '',
    );
  }
  return `${lines.join('\n')}`;
}
