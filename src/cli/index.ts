/**
 * The `buypath` command line: one subcommand per pipeline step, each with `--help`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuypathError } from '../errors';
import { repoRoot } from '../repo-root';
import type { Command } from './args';
import { simulateCommand } from './simulate';
import { inspectCommand } from './inspect';
import { mineCommand } from './mine';
import { trainCommand, predictCommand } from './train';
import { reportCommand } from './report';
import { presetsCommand } from './presets';

/** Subcommands by name. */
export const COMMANDS: Record<string, Command> = {
  [simulateCommand.name]: simulateCommand,
  [inspectCommand.name]: inspectCommand,
  [mineCommand.name]: mineCommand,
  [trainCommand.name]: trainCommand,
  [predictCommand.name]: predictCommand,
  [reportCommand.name]: reportCommand,
  [presetsCommand.name]: presetsCommand,
};

/** The version in buypath's package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return ['Usage: buypath <command> [options]', '', 'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '', 'Run `buypath <command> --help` for the options of one command; `buypath --version` prints the version.'].join('\n');
}

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`buypath ${version()}`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`buypath: expected a command (${Object.keys(COMMANDS).join(', ')}), got "${name}". Run \`buypath --help\`.`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof BuypathError) {
      // Flag errors already start with `buypath <command> --flag:`; every other error gets the prefix here, once.
      console.error(e.message.startsWith(`buypath ${name}`) ? e.message : `buypath ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
