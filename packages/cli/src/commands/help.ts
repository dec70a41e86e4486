import type { Command } from '../command.js';
import { UsageError } from '../cli-error.js';

/** `weixi help [command]`; takes the table lazily because the table includes this command. */
export function helpCommand(commands: () => Command[]): Command {
  return {
    name: 'help',
    summary: 'show the commands, or one command\'s usage',
    usage: 'Usage: weixi help [command]',
    async run(args) {
      const [name, ...rest] = args;
      if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`, 'help');
      if (!name) {
        process.stdout.write(`${overview(commands())}\n`);
        return 0;
      }
      const command = commands().find((c) => c.name === name);
      if (!command) throw new UsageError(`unknown command '${name}'`, 'help');
      process.stdout.write(`${command.usage}\n`);
      return 0;
    },
  };
}

export function overview(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: weixi <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Database: DATABASE_URL (PostgreSQL), else PGlite at WEIXI_DATA_DIR or .weixi/data.',
    "Run 'weixi help <command>' or 'weixi <command> --help' for a command's options.",
  ].join('\n');
}
