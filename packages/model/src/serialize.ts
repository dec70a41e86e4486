import { boostingLogit } from './boosting.js';
import { boostingContributions, logisticContributions } from './explain.js';
import { boostingImportances, logisticImportances } from './importance.js';
import { logisticLogit } from './logistic.js';
import { EngineModel, type Model, type ModelJson } from './model.js';
import type { Tree } from './tree.js';

/** The model a JSON form describes (trusted: `loadModel` checks it first). */
export function modelOf(json: ModelJson): Model {
  if (json.kind === 'logistic') {
    const p = json.parameters;
    return new EngineModel(json, {
      logit: (row) => logisticLogit(p, row),
      contributions: (row, out) => logisticContributions(p, row, out),
      importances: () => logisticImportances(p),
    });
  }
  const p = json.parameters;
  return new EngineModel(json, {
    logit: (row) => boostingLogit(p, row),
    contributions: (row, out) => boostingContributions(p, row, out),
    importances: () => boostingImportances(p, json.features.length),
  });
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function numbers(v: unknown, length: number | undefined, where: string): void {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new ModelFormatError(`${where} must be an array of finite numbers`);
  if (length !== undefined && v.length !== length) throw new ModelFormatError(`${where} has ${v.length} values, not ${length}`);
}

function checkTree(tree: unknown, features: number, where: string): void {
  if (!isRecord(tree)) throw new ModelFormatError(`${where} must be an object`);
  numbers(tree.feature, undefined, `${where}.feature`);
  const size = (tree.feature as number[]).length;
  for (const key of ['threshold', 'left', 'right', 'value', 'gain'] as const) numbers(tree[key], size, `${where}.${key}`);
  const t = tree as unknown as Tree;
  t.feature.forEach((f, k) => {
    if (f === -1) return;
    if (!Number.isInteger(f) || f < 0 || f >= features) throw new ModelFormatError(`${where}.feature[${k}] is ${f}: no such feature`);
    // Children come after their parent, so every path ends.
    for (const child of [t.left[k] as number, t.right[k] as number]) {
      if (!Number.isInteger(child) || child <= k || child >= size) throw new ModelFormatError(`${where}: node ${k} has child ${child}`);
    }
  });
}

/** A model from its JSON form (parsed or text), checked; throws ModelFormatError saying what is wrong. */
export function loadModel(json: unknown): Model {
  const data: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isRecord(data) || data.format !== 'weixi-model') throw new ModelFormatError('not a Weixi model (format must be "weixi-model")');
  if (data.version !== 1) throw new ModelFormatError(`model format version ${String(data.version)} is not supported (this engine reads version 1)`);
  const { features, parameters: p } = data;
  if (!Array.isArray(features) || features.some((f) => typeof f !== 'string')) throw new ModelFormatError('features must be an array of names');
  if (!isRecord(p)) throw new ModelFormatError('parameters must be an object');
  if (data.kind === 'logistic') {
    for (const key of ['means', 'scales', 'coefficients'] as const) numbers(p[key], features.length, `parameters.${key}`);
    numbers([p.intercept], 1, 'parameters.intercept');
    if ((p.scales as number[]).some((v) => !(v > 0))) throw new ModelFormatError('parameters.scales must all be above 0');
  } else if (data.kind === 'boosting') {
    numbers([p.initialLogit], 1, 'parameters.initialLogit');
    if (!Array.isArray(p.trees)) throw new ModelFormatError('parameters.trees must be an array');
    p.trees.forEach((tree, k) => checkTree(tree, features.length, `parameters.trees[${k}]`));
  } else {
    throw new ModelFormatError(`unknown model kind ${JSON.stringify(data.kind)} (known: logistic, boosting)`);
  }
  return modelOf(structuredClone(data) as unknown as ModelJson);
}
