/** Failure reports of the sweep: a summary by root field and role, then each failing run with its operation. */

export interface Failure {
  /** The root field, `customers` or `Mutation.cancelTask`. */
  field: string;
  /** Which probe or sample: `out`, `in`, `national`, ... */
  label: string;
  role: string;
  problems: string[];
  operation?: { text: string; variables: Record<string, unknown> };
}

const SHOWN_PROBLEMS = 6;
const SHOWN_OPERATION = 600;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);

/** A readable report; empty when there is nothing to report. */
export function formatReport(title: string, failures: readonly Failure[]): string {
  if (failures.length === 0) return '';
  const byField = new Map<string, Set<string>>();
  for (const f of failures) byField.set(f.field, (byField.get(f.field) ?? new Set()).add(f.role));
  const summary = [...byField].map(([field, roles]) => `  ${field}: ${[...roles].join('; ')}`);
  const details = failures.map((f) => {
    const problems = f.problems.slice(0, SHOWN_PROBLEMS).map((p) => `    - ${p}`);
    if (f.problems.length > SHOWN_PROBLEMS) problems.push(`    - … and ${f.problems.length - SHOWN_PROBLEMS} more`);
    const operation = f.operation ? [`    operation: ${clip(f.operation.text, SHOWN_OPERATION)}`, `    variables: ${clip(JSON.stringify(f.operation.variables), SHOWN_OPERATION)}`] : [];
    return [`  ${f.field} [${f.label}] as ${f.role}:`, ...problems, ...operation].join('\n');
  });
  return [`${title}: ${failures.length} failing runs in ${byField.size} root fields.`, 'By root field:', ...summary, '', ...details].join('\n');
}

/** Runs `task` over `items` with at most `width` at a time, results in order. */
export async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}
