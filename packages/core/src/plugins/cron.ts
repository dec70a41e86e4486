/**
 * Checks five-field cron expressions (`m h dom mon dow`) the way the job scheduler reads them, so a
 * manifest with a schedule that would never fire, or fire wrongly, is refused before any plugin code runs.
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Accepted three-letter names (JAN, MON), mapped to their numbers. */
  names?: Record<string, number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  // 7 is Sunday as well as 0, as in Vixie cron and pg-boss.
  { name: 'day of week', min: 0, max: 7, names: Object.fromEntries(WEEKDAYS.map((d, i) => [d, i])) },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export const CRON_HINT = 'five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *" for 06:00 every day';

/** What is wrong with a cron expression, or undefined when it is a valid five-field expression. */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  const macro = MACROS[trimmed.toLowerCase()];
  if (macro) return `"${expression}" is a macro; write it as five fields: "${macro}"`;
  const parts = trimmed.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== FIELDS.length) {
    return `"${expression}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a cron expression has ${CRON_HINT}`;
  }
  for (const [i, part] of parts.entries()) {
    const problem = fieldProblem(part, FIELDS[i]!);
    if (problem) return `"${expression}": ${problem}; a cron expression has ${CRON_HINT}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const problem = itemProblem(item, field);
    if (problem) return problem;
  }
  return undefined;
}

/** One list item: `*`, `n`, `a-b`, each optionally followed by `/step`. */
function itemProblem(item: string, field: CronField): string | undefined {
  const range = `${field.min}-${field.max}`;
  const match = /^([^/]+)(?:\/(.+))?$/.exec(item);
  if (!match) return `${field.name} '${item}' is not a value, a range a-b, '*' or a step '*/n'`;
  const [, base, stepText] = match;
  if (stepText !== undefined && (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > field.max)) {
    return `${field.name} step '/${stepText}' must be a whole number from 1 to ${field.max}`;
  }
  if (base === '*') return undefined;
  const bounds = base!.split('-');
  if (bounds.length > 2) return `${field.name} '${base}' is not a value or a range a-b`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = valueOf(bound, field);
    if (value === undefined) {
      const named = field.names ? ` or a name (${Object.keys(field.names).join(', ')})` : '';
      return `${field.name} '${bound}' is not a number${named}`;
    }
    if (value < field.min || value > field.max) return `${field.name} ${value} is out of range ${range}`;
    values.push(value);
  }
  if (values.length === 2 && values[0]! > values[1]!) return `${field.name} range '${base}' runs backwards; write the smaller value first`;
  return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  return field.names?.[text.toUpperCase()];
}
