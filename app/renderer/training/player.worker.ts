/// <reference lib="webworker" />
// Plays a policy without exploration noise, at the robot's real-time pace, for the 3D view: an imported
// policy, or the current policy of a training run. Pure numbers (the reference evaluator), no tfjs.
import type { PolicySnapshot } from '../../../agents/policy.ts';
import { createPolicyEvaluator } from '../../../agents/export/evaluator.ts';
import { InThreadVecEnv } from '../../../sim/vec-env.ts';

declare const self: DedicatedWorkerGlobalScope;

export type ToPlayer =
  { readonly type: 'play'; readonly snapshot: PolicySnapshot; readonly numEnvs: number; readonly seed: number } | { readonly type: 'stop' };
export type FromPlayer =
  | { readonly type: 'ready'; readonly poses: Float32Array; readonly numEnvs: number; readonly robot: string }
  | { readonly type: 'episode'; readonly episodeReturn: number; readonly length: number }
  | { readonly type: 'failed'; readonly detail: string };

let playing = false;

async function play(message: Extract<ToPlayer, { type: 'play' }>): Promise<void> {
  const evaluator = createPolicyEvaluator(message.snapshot);
  const env = await InThreadVecEnv.create({ robot: message.snapshot.robot, numEnvs: message.numEnvs, seed: message.seed, shared: true });
  if (env.observationSize !== message.snapshot.observationSize)
    throw new Error(`the policy expects ${message.snapshot.observationSize} observations; ${env.robot} gives ${env.observationSize}`);
  self.postMessage({ type: 'ready', poses: env.poses, numEnvs: env.numEnvs, robot: env.robot } satisfies FromPlayer);
  playing = true;
  const stepMs = env.dt * 1000;
  let next = performance.now();
  while (playing) {
    await env.step(evaluator.actBatch(env.obs, env.numEnvs));
    for (let i = 0; i < env.numEnvs; i++) {
      if (env.terminated[i] || env.truncated[i])
        self.postMessage({ type: 'episode', episodeReturn: env.finishedReturns[i], length: env.finishedLengths[i] } satisfies FromPlayer);
    }
    next += stepMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else next = performance.now();
  }
  await env.close();
}

self.onmessage = (event: MessageEvent<ToPlayer>) => {
  if (event.data.type === 'stop') playing = false;
  else
    play(event.data).catch((error: unknown) =>
      self.postMessage({ type: 'failed', detail: error instanceof Error ? error.message : String(error) } satisfies FromPlayer),
    );
};
