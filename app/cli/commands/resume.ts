import type { Command } from '../command.ts';
import { optionString, parseArgs } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals, stepsOption } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { RunFolder } from '../../runtime/run-folder.node.ts';
import { runSession, validatedAlgorithmConfig } from '../../runtime/session.node.ts';
import { getRuntimeAlgorithm } from '../../runtime/catalog.ts';
import { runtimeVersions } from '../../runtime/versions.node.ts';

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
      assertSameRapier(folder, runtimeVersions().rapier);
      folder.assertUnlocked();
      if (totalSteps !== folder.config.totalSteps) folder.setTotalSteps(totalSteps);
      deps.print(`run folder: ${folder.path}`);
      const result = await runSession(folder, { catalog, progress: deps.progress, handleSignals: deps.handleSignals, resumeFrom: which });
      return result.outcome === 'finished' ? 0 : 130;
    },
  };
}

/**
 * A Rapier run's checkpoints hold whole Rapier worlds, which only the Rapier that wrote them restores (and only it
 * continues them bit for bit): another version is refused before anything starts, naming what still works.
 */
function assertSameRapier(folder: RunFolder, rapier: string | undefined): void {
  const written = folder.config.versions?.rapier;
  if (folder.config.physics !== 'rapier' || written === undefined || written === rapier) return;
  throw new Error(
    `${folder.path} trained on Rapier ${written}, and this sinew runs Rapier ${rapier ?? 'of an unknown version'}, which cannot restore that version's worlds: the run cannot continue exactly. Its policy still plays and exports (sinew play, sinew export); start a new run to train on`,
  );
}

export const resumeCommand = makeResumeCommand(defaultCliDeps);
