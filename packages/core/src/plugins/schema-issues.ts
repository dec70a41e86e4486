/**
 * Turns ajv's errors into issues that name the offending key with a dotted path (`weixi.contributes.jobs[1].cron`)
 * and say what to write instead, rather than ajv's `must match pattern "^[a-z]…"`.
 */
import type { ErrorObject } from 'ajv';
import type { InputIssue } from '../errors.js';
import { PATTERN_HINTS } from './manifest-schema.js';

/** `weixi` + `/contributes/jobs/1/cron` → `weixi.contributes.jobs[1].cron`. */
export function issuePath(root: string, pointer: string, ...keys: string[]): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [...segments, ...keys].reduce((path, segment) => `${path}${pathSegment(segment)}`, root);
}

function pathSegment(segment: string): string {
  if (/^\d+$/.test(segment)) return `[${segment}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return `.${segment}`;
  return `[${JSON.stringify(segment)}]`;
}

/** One issue per ajv error, with duplicates (the same path and message) dropped. */
export function schemaIssues(errors: readonly ErrorObject[], root: string): InputIssue[] {
  const issues = new Map<string, InputIssue>();
  for (const error of errors.filter((e) => !explainedElsewhere(e, errors))) {
    const issue = toIssue(error, root);
    if (issue) issues.set(`${issue.path}\u0000${issue.message}`, issue);
  }
  return [...issues.values()];
}

/**
 * A failed `anyOf` is explained by its branches' errors at the same place, and a `type` error beside an
 * `enum` one (JSON Schema's `type` is a name or a list of names) is noise once the name is reported.
 */
function explainedElsewhere(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  const siblings = all.filter((e) => e !== error && e.instancePath === error.instancePath);
  if (error.keyword === 'anyOf' || error.keyword === 'oneOf') return siblings.length > 0;
  return error.keyword === 'type' && siblings.some((e) => e.keyword === 'enum');
}

function toIssue(error: ErrorObject, root: string): InputIssue | undefined {
  const params = error.params as Record<string, unknown>;
  const here = issuePath(root, error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      const property = (error.parentSchema?.properties as Record<string, Record<string, unknown>> | undefined)?.[key];
      return { path: issuePath(root, error.instancePath, key), message: `is missing: add ${expected(property)}` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const accepted = known.length > 0 ? `; accepted keys here: ${known.join(', ')}` : '';
      return { path: issuePath(root, error.instancePath, key), message: `is not a known key${suggestion(key, known)}${accepted}` };
    }
    case 'type':
      return { path: here, message: `must be ${article(String(params.type))}, not ${kindOf(error.data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v));
      return { path: here, message: `${JSON.stringify(error.data)} is not accepted${suggestion(String(error.data), allowed)}; use one of: ${allowed.join(', ')}` };
    }
    case 'const':
      return { path: here, message: `must be ${JSON.stringify(params.allowedValue)}, not ${JSON.stringify(error.data)}` };
    case 'pattern': {
      const hint = PATTERN_HINTS[String(params.pattern)] ?? `does not match the pattern ${String(params.pattern)}`;
      // Inside propertyNames the error concerns a key of the object, which ajv reports as `propertyName`.
      if (error.propertyName !== undefined) return { path: issuePath(root, error.instancePath, error.propertyName), message: `key "${error.propertyName}" ${hint}` };
      return { path: here, message: `${JSON.stringify(error.data)} ${hint}` };
    }
    case 'propertyNames':
      return undefined; // reported by the failing keyword inside it, with the key's own path
    case 'minLength':
      return { path: here, message: Number(params.limit) === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters` };
    case 'uniqueItems':
      return { path: here, message: `lists ${JSON.stringify((error.data as unknown[])[Number(params.i)])} twice (items ${String(params.j)} and ${String(params.i)}); remove one` };
    default:
      return { path: here, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** What a value for this schema looks like: `a string (The name shown to operators.)`. */
function expected(schema: Record<string, unknown> | undefined): string {
  if (!schema) return 'it';
  const what = typeof schema.type === 'string' ? article(schema.type) : Array.isArray(schema.enum) ? `one of ${schema.enum.join(', ')}` : 'a value';
  return typeof schema.description === 'string' ? `${what}: ${schema.description}` : what;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

/** `; did you mean "contributes"?` when a known word is a typo away. */
export function suggestion(word: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === undefined ? '' : `; did you mean "${best}"?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
