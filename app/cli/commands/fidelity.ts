import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from '../command.ts';
import { optionString, parseArgs, UsageError } from '../args.ts';
import { measureFidelity, parseTrajectory } from '../../../sim/fidelity.ts';

/** `sinew fidelity <trajectory.json>...`: replays MuJoCo trajectories through our robots, one JSON line per file. */
export const fidelityCommand: Command = {
  name: 'fidelity',
  usage: 'sinew fidelity <trajectory.json>... [--physics joint-space|rapier]',
  summary: 'Replay MuJoCo trajectory files through our robots and print how far they end up (JSON lines).',
  options: [{ name: 'physics', description: "the robots' physics: 'joint-space' (default) or 'rapier'", default: 'joint-space' }],
  async run(argv) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length === 0) throw new UsageError('name at least one trajectory file');
    const physics = optionString(args, 'physics');
    if (physics !== 'joint-space' && physics !== 'rapier') throw new UsageError(`--physics must be joint-space or rapier, got '${physics}'`);
    for (const path of args.positionals) {
      const trajectory = parseTrajectory(readFileSync(path, 'utf8'), path);
      console.log(JSON.stringify(await measureFidelity(trajectory, basename(path), { physics })));
    }
    return 0;
  },
};
