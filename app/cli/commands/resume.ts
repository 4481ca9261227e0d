import type { Command } from '../command.ts';
import { optionString, parseArgs } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals, stepsOption } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { RunFolder } from '../../runtime/run-folder.node.ts';
import { runSession, validatedAlgorithmConfig } from '../../runtime/session.node.ts';
import { getRuntimeAlgorithm } from '../../runtime/catalog.ts';

const options: readonly OptionSpec[] = [
  { name: 'checkpoint', description: 'checkpoint to continue from: latest, best, a step count or a file', default: 'latest' },
  { name: 'steps', description: "new total of environment steps (default: the run's own --steps)" },
];

export function makeResumeCommand(deps: CliDeps): Command {
  return {
    name: 'resume',
    usage: 'sinew resume <run folder> [options]',
    summary: 'Continue a stopped run exactly where its checkpoint left it (networks, optimiser, buffers, RNG).',
    options,
    async run(argv) {
      const args = parseArgs(argv, options);
      const [path] = expectPositionals(args, 1, 1, 'the run folder to resume');
      const folder = RunFolder.open(path);
      const which = optionString(args, 'checkpoint') ?? 'latest';
      const totalSteps = stepsOption(args, 'steps') ?? folder.config.totalSteps;
      // Check the checkpoint (and the catalog knows the algorithm) before touching the folder.
      const { meta } = folder.loadCheckpoint(which);
      if (meta.envSteps >= totalSteps) {
        deps.print(`${folder.name} already has ${meta.envSteps} env steps (target ${totalSteps}); pass --steps to train further`);
        return 0;
      }
      const catalog = await deps.loadCatalog();
      if (!(folder.config.algorithm in catalog.algorithms)) {
        throw new Error(`${path} was trained with '${folder.config.algorithm}', which this sinew does not know`);
      }
      validatedAlgorithmConfig(folder, getRuntimeAlgorithm(catalog, folder.config.algorithm));
      folder.assertUnlocked();
      if (totalSteps !== folder.config.totalSteps) folder.setTotalSteps(totalSteps);
      deps.print(`run folder: ${folder.path}`);
      const result = await runSession(folder, { catalog, progress: deps.progress, handleSignals: deps.handleSignals, resumeFrom: which });
      return result.outcome === 'finished' ? 0 : 130;
    },
  };
}

export const resumeCommand = makeResumeCommand(defaultCliDeps);
