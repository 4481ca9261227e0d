import { formatHelp, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

function topLevelHelp(all: readonly Command[]): string {
  const width = Math.max(...all.map((command) => command.name.length));
  return [
    'usage: sinew <command> [options]',
    '',
    'Sinew trains simulated robots with reinforcement learning, headless.',
    '',
    'commands:',
    ...all.map((command) => `  ${command.name.padEnd(width + 2)}${command.summary}`),
    '',
    "Run 'sinew <command> --help' for a command's options and their defaults.",
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(topLevelHelp(commands));
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`sinew: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(formatHelp(command.usage, command.summary, command.options));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`sinew ${command.name}: ${error.message} (see 'sinew ${command.name} --help')`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`sinew ${command.name}: ${message}`);
    if (process.env.SINEW_DEBUG && error instanceof Error) console.error(error.stack);
    return 1;
  }
}
