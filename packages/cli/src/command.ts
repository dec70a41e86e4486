/** The shape every `weixi` command has; add a file under commands/ and a line in the table to add one. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full help text: synopsis, options, examples. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
