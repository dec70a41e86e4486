/**
 * Command-line parsing on node:util's parseArgs, with its errors turned into usage errors that name the
 * command, and whole-number options checked with a message that says what was given.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
/** Spelled out so declarations can name it (node:util does not export the option types it infers from). */
type Values<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];

export function parseOptions<T extends Options>(command: string, args: string[], options: T): Values<T> {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs explains well ("Unknown option '--x'"); keep its text and point at the command's help.
    throw new UsageError((error as Error).message, command);
  }
}

/** Options and the positional arguments around them (`import usage FILE --region JS`). */
export function parseCommandLine<T extends Options>(command: string, args: string[], options: T): { values: Values<T>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: joinNegativeValues(args, options), options, strict: true, allowPositionals: true });
    return { values: parsed.values as Values<T>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

/**
 * parseArgs reads `--customers -5` as a missing value followed by an option `-5`; join such a negative number
 * to its option so the value check can say what is wrong with it.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (option.short) takesValue.add(`-${option.short}`);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg.startsWith('--') ? arg : `--${optionName(arg, options)}`}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function optionName(short: string, options: Options): string {
  return Object.entries(options).find(([, o]) => `-${o.short}` === short)?.[0] ?? short.slice(1);
}

/** A whole number from an option value, within bounds; undefined when the option was not given. */
export function wholeNumber(
  option: string,
  text: string | undefined,
  bounds: { min: number; max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`--${option} must be a whole number, got '${text}'`);
  if (value < bounds.min || value > bounds.max) {
    throw new UsageError(`--${option} must be between ${format(bounds.min)} and ${format(bounds.max)}, got ${format(value)}`);
  }
  return value;
}

export function format(n: number): string {
  return n.toLocaleString('en-US');
}
