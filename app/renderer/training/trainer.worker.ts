/// <reference lib="webworker" />
// A training run in a Web Worker: the same trainers, training loop and checkpoint format as the command line.
// The UI thread never waits for it: metrics come as messages a few times a second, poses through shared memory.
import { initTf, backendName } from '../../../agents/shared/tf.ts';
import { webA3cWorkers } from '../../../agents/on-policy/a3c.web.ts';
import { webLearnerThread } from '../../../agents/off-policy/learner-thread.web.ts';
import { algorithms } from '../../../agents/registry.ts';
import type { MetricsRecord, Trainer } from '../../../agents/contract.ts';
import { createVecEnv, InThreadVecEnv, type SimVecEnv } from '../../../sim/vec-env.ts';
import { webWorkerFactory } from '../../../sim/worker-host.web.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../runtime/checkpoint.ts';
import { latestReturn } from '../../runtime/metrics.ts';
import { runTrainingLoop } from '../../runtime/training-loop.ts';
import { evaluationSchedule, runIdentity } from '../../runtime/run-config.ts';
import type { FromTrainer, ToTrainer } from './protocol.ts';
import { policyState } from '../../../agents/policy-state.ts';
import { version as SINEW_VERSION } from '../../../package.json';

declare const self: DedicatedWorkerGlobalScope;

let trainer: Trainer | null = null;
let stopRequested = false;
let paused = false;
let resumeGate: (() => void) | null = null;
let lastReturn: number | null = null;

function post(message: FromTrainer, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function waitWhilePaused(): Promise<void> {
  if (!paused) return Promise.resolve();
  post({ type: 'phase', phase: 'paused' });
  return new Promise((resolve) => {
    resumeGate = () => {
      resumeGate = null;
      post({ type: 'phase', phase: 'training' });
      resolve();
    };
  });
}

async function start(message: Extract<ToTrainer, { type: 'start' }>): Promise<void> {
  const { config } = message;
  post({ type: 'phase', phase: 'starting' });
  await initTf({ wasmPath: message.wasmPath });
  const entry = algorithms[config.algorithm];
  if (!entry) throw new Error(`unknown algorithm '${config.algorithm}'`);
  const restored = message.checkpoint ? decodeCheckpoint(message.checkpoint, 'checkpoint') : null;
  // The first vector environment a trainer makes is its training one: its robots are the ones shown, so its
  // pose board must live in shared memory the UI thread can read. A3C's actor-learners are Web Workers of their
  // own; the robots shown are those of the first.
  let shown: Pick<SimVecEnv, 'numEnvs' | 'poses'> | null = null;
  const a3cWorkers =
    config.algorithm === 'a3c'
      ? webA3cWorkers({
          wasmPath: message.wasmPath,
          onReady: (ready) => {
            if (ready.index === 0) shown = ready;
          },
        })
      : undefined;
  trainer = await entry.createTrainer({
    robot: config.robot,
    config: config.algorithmConfig,
    seed: config.seed,
    workers: config.workers,
    physics: config.physics,
    a3cWorkers,
    // DDPG, TD3 and SAC learn in a Web Worker of their own while this one steps the robots.
    learnerThread: webLearnerThread({ wasmPath: message.wasmPath }),
    makeVecEnv: async (options) => {
      const vecEnv =
        options.workers >= 2
          ? await createVecEnv({ ...options, workerFactory: webWorkerFactory })
          : await InThreadVecEnv.create({ ...options, shared: shown === null });
      shown ??= vecEnv;
      return vecEnv;
    },
  });
  if (restored) {
    await trainer.setState(restored.state);
    lastReturn = restored.meta.meanReturn;
  }
  if (!shown) throw new Error(`${config.algorithm} made no environments`);
  const shownEnv: Pick<SimVecEnv, 'numEnvs' | 'poses'> = shown;
  post({ type: 'ready', backend: backendName(), numEnvs: shownEnv.numEnvs, poses: shownEnv.poses });
  post({ type: 'phase', phase: 'training' });
  let windowStart = performance.now();
  let windowSteps = trainer.envSteps;
  const outcome = await runTrainingLoop({
    trainer,
    totalSteps: config.totalSteps,
    checkpointEvery: config.checkpointEvery,
    evaluation: evaluationSchedule(config),
    shouldStop: () => stopRequested,
    onRecords: async (records: readonly MetricsRecord[]) => {
      if (records.length > 0) {
        post({ type: 'records', records });
        lastReturn = latestReturn(records) ?? lastReturn;
      }
      const now = performance.now();
      if (now - windowStart > 250 && trainer) {
        post({ type: 'progress', envSteps: trainer.envSteps, stepsPerSecond: ((trainer.envSteps - windowSteps) * 1000) / (now - windowStart) });
        windowStart = now;
        windowSteps = trainer.envSteps;
      }
      await waitWhilePaused();
    },
    saveCheckpoint: async () => {
      if (!trainer) return;
      const bytes = encodeCheckpoint(await trainer.getState(), {
        robot: config.robot,
        algorithm: config.algorithm,
        envSteps: trainer.envSteps,
        meanReturn: lastReturn,
        sinewVersion: SINEW_VERSION,
        createdAt: new Date().toISOString(),
        run: runIdentity(config),
      });
      post({ type: 'checkpoint', bytes, envSteps: trainer.envSteps, meanReturn: lastReturn }, [bytes.buffer]);
    },
  });
  post({ type: 'progress', envSteps: trainer.envSteps, stepsPerSecond: 0 });
  post({ type: 'phase', phase: outcome });
}

async function exportCheckpoint(message: Extract<ToTrainer, { type: 'exportCheckpoint' }>): Promise<void> {
  await initTf({ wasmPath: message.wasmPath });
  const entry = algorithms[message.config.algorithm];
  if (!entry) throw new Error(`unknown algorithm '${message.config.algorithm}'`);
  const { state } = decodeCheckpoint(message.checkpoint, 'checkpoint');
  // The run's own config; the trainer takes the checkpoint's policy (policyState: not its environments' state, which
  // another build of the engine may not read).
  const loaded = await entry.createTrainer({
    robot: message.config.robot,
    config: message.config.algorithmConfig,
    seed: message.config.seed,
    workers: 0,
    physics: message.config.physics,
    makeVecEnv: (options) => InThreadVecEnv.create(options),
  });
  try {
    await loaded.setState(policyState(state));
    post({ type: 'policy', requestId: message.requestId, snapshot: loaded.exportPolicy() });
  } finally {
    await loaded.dispose();
  }
}

self.onmessage = (event: MessageEvent<ToTrainer>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      start(message).catch((error: unknown) =>
        post({ type: 'phase', phase: 'failed', detail: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'pause':
      paused = true;
      break;
    case 'resume':
      paused = false;
      resumeGate?.();
      break;
    case 'stop':
      stopRequested = true;
      paused = false;
      resumeGate?.();
      break;
    case 'exportCheckpoint':
      exportCheckpoint(message).catch((error: unknown) =>
        post({ type: 'policy', requestId: message.requestId, snapshot: null, error: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'export':
      try {
        if (!trainer) throw new Error('the run has no trainer yet');
        post({ type: 'policy', requestId: message.requestId, snapshot: trainer.exportPolicy() });
      } catch (error) {
        post({ type: 'policy', requestId: message.requestId, snapshot: null, error: error instanceof Error ? error.message : String(error) });
      }
      break;
  }
};
