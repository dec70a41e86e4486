import { parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { operationCost } from './cost.js';
import { DEFAULT_QUERY_LIMITS, limitExceeded, type QueryLimits } from './options.js';
import { capResponseSize } from './response-size.js';
import { shapeRules } from './shape.js';
import { checkTokenCount } from './tokens.js';

/** The limits in force: the defaults, with any given ones over them. */
export function queryLimits(overrides: Partial<QueryLimits> = {}): QueryLimits {
  const limits = { ...DEFAULT_QUERY_LIMITS };
  for (const [name, value] of Object.entries(overrides) as Array<[keyof QueryLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) throw new Error(`query limit ${name}=${value} is not a whole number 0 or more`);
    limits[name] = value;
  }
  return limits;
}

/**
 * Enforces the query limits: tokens while parsing, shape in validation (cached with the document), cost
 * just before execution (it depends on the variables), response size after it. Each refusal is a LIMIT_EXCEEDED error, HTTP 400
 * whatever the Accept header: yoga marks errors raised while parsing and validating as the GraphQL-over-HTTP
 * spec's (200 for `application/json`), which a refusal by a server limit is not.
 */
export function useQueryLimits(limits: QueryLimits): Plugin {
  const rules = shapeRules(limits);
  const responseSize = capResponseSize(limits.maxResponseBytes);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        checkTokenCount(source, limits.maxTokens);
        return parse(source, options);
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues);
      if (cost > limits.maxCost) {
        const error = limitExceeded('maxCost', limits.maxCost, 'the estimated cost', cost);
        setResultAndStopExecution({ errors: [error] });
        return;
      }
      return responseSize({ args });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues);
      if (cost > limits.maxCost) setResultAndStopExecution({ errors: [limitExceeded('maxCost', limits.maxCost, 'the estimated cost', cost)] });
    },
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of ('errors' in one ? one.errors : undefined) ?? []) {
          const http = error.extensions?.http as { spec?: boolean } | undefined;
          if (error.extensions?.code === 'LIMIT_EXCEEDED' && http) http.spec = false;
        }
      }
    },
  };
}

/** yoga's `batching` option for `maxBatch`: off at 0, else at most that many operations per request. */
export function batchingOption(limits: QueryLimits): false | { limit: number } {
  return limits.maxBatch > 0 ? { limit: limits.maxBatch } : false;
}
