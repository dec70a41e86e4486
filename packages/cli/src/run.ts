/**
 * Dispatches a command line to its command and turns failures into a message and an exit code. Errors the
 * user can act on print their message alone; anything else adds the stack only with WEIXI_DEBUG=1.
 */
import { WeixiError } from '@weixi/core';
import { CliError, UsageError } from './cli-error.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { overview } from './commands/help.js';
import { describeDatabase } from './database.js';

export async function runCli(argv: string[]): Promise<number> {
  const [first, ...args] = argv;
  if (first === undefined) {
    process.stderr.write(`weixi: no command given\n\n${overview(COMMANDS)}\n`);
    return 2;
  }
  const name = first === '--help' || first === '-h' ? 'help' : first;
  const command = findCommand(name);
  if (!command) {
    process.stderr.write(
      `weixi: unknown command '${first}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run 'weixi help'.\n`,
    );
    return 2;
  }
  if (name !== 'help' && (args.includes('--help') || args.includes('-h'))) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    return report(command.name, error);
  }
}

function report(command: string, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`weixi ${command}: ${error.message}\nRun 'weixi help ${error.command ?? command}' for usage.\n`);
    return error.exitCode;
  }
  if (error instanceof CliError || error instanceof WeixiError) {
    process.stderr.write(`weixi ${command}: ${error.message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
  const debug = process.env.WEIXI_DEBUG === '1';
  process.stderr.write(`weixi ${command} failed on ${describeDatabase()}: ${rootMessage(error)}\n`);
  process.stderr.write(debug && error instanceof Error && error.stack ? `${error.stack}\n` : '(set WEIXI_DEBUG=1 for details)\n');
  return 1;
}

/** The innermost cause says what happened ("connect ECONNREFUSED"); drizzle's wrapper only repeats the SQL. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
