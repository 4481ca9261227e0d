import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from '../command.ts';
import { optionString, parseArgs, UsageError } from '../args.ts';
import { measureFidelity, parseTrajectory } from '../../../sim/fidelity.ts';
import { checkPhysics, physicsNames } from '../../../sim/physics.ts';

/** `sinew fidelity <trajectory.json>...`: replays MuJoCo trajectories through our robots, one JSON line per file. */
export const fidelityCommand: Command = {
  name: 'fidelity',
  usage: `sinew fidelity <trajectory.json>... [--physics ${physicsNames.join('|')}]`,
  summary: 'Replay MuJoCo trajectory files through our robots and print how far they end up (JSON lines).',
  options: [{ name: 'physics', description: `the robots' physics: ${physicsNames.join(', ')} (default: the robot's own)` }],
  async run(argv) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length === 0) throw new UsageError('name at least one trajectory file');
    let physics;
    try {
      physics = checkPhysics(optionString(args, 'physics'));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    for (const path of args.positionals) {
      const trajectory = parseTrajectory(readFileSync(path, 'utf8'), path);
      console.log(JSON.stringify(await measureFidelity(trajectory, basename(path), { physics })));
    }
    return 0;
  },
};
