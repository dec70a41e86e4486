#!/usr/bin/env -S node --import tsx
/** The `weixi` command. From the repository root: `pnpm weixi <command>`, `pnpm migrate`. */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
