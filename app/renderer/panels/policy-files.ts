import type { PolicySnapshot } from '../../../agents/policy.ts';

/** The Policies view's file names and lines of text, apart from the DOM (policies-view.ts shows them). */

/** The files an export holds, by the names they refer to each other by (model.json names weights.bin). */
const EXPORT_FILES = ['model.json', 'weights.bin', 'policy.onnx', 'policy-card.json'] as const;

/**
 * The name an imported file goes by: a zip member's without its folders; a loose file's without the run-name prefix
 * that downloads of earlier versions carried ('hopper-ppo-seed1-…-model.json' -> 'model.json'). Other names stay.
 */
export function importedFileName(name: string, inZip: boolean): string {
  if (inZip) return name.replace(/^.*\//, '');
  const exported = EXPORT_FILES.find((file) => name.endsWith(`-${file}`));
  return exported ?? name;
}

/** One line on an imported policy: what it maps to what, how big, how long it trained, with or without its card. */
export function importedSummary(
  snapshot: Pick<PolicySnapshot, 'algorithm' | 'robot' | 'observationSize' | 'actionSize' | 'envSteps'> & { readonly layers: readonly unknown[] },
  withCard: boolean,
): string {
  return `${snapshot.algorithm} policy for ${snapshot.robot}: ${snapshot.observationSize} observations -> ${snapshot.actionSize} actions, ${snapshot.layers.length} layers, trained ${snapshot.envSteps.toLocaleString('en')} steps${withCard ? ', with its card' : ''}.`;
}

/** The returns of the episodes a policy played (deterministic actions: evaluation returns), their mean and the last. */
export function playedReturns(returns: readonly number[], last: { readonly episodeReturn: number; readonly length: number }): string {
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  return `${returns.length} episodes played, evaluation return (deterministic) ${mean.toFixed(2)} on average (last ${last.episodeReturn.toFixed(2)} over ${last.length} steps).`;
}
