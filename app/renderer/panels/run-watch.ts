import type { PolicySnapshot } from '../../../agents/policy.ts';
import type { TrainView } from '../scene/train-view.ts';
import type { FromPlayer, ToPlayer } from '../training/player.worker.ts';
import type { LiveRun } from '../training/live-run.ts';
import { maxConcurrentRuns, type RunManager } from '../training/run-manager.ts';
import { playingCaption, stateCaption } from './captions.ts';
import { viewFor } from './run-status.ts';

/** Robots a played policy drives: the run's own number of environments, within what stays readable. */
const MAX_PLAYED_ROBOTS = 16;

/**
 * What the 3D view shows for the selected run, with a caption true to its state: the training robots while it
 * trains or is paused; otherwise its latest policy playing without exploration noise (in a player worker), so
 * the agent just trained can be watched where it was trained. A policy played from the Policies view takes the
 * view until "Stop playing", which leaves the view empty until another run is selected.
 */
export class RunWatch {
  private player: Worker | null = null;
  /** What the player plays: `run:<name>:<envSteps>` for a run's latest policy, `explicit` for one asked for. */
  private playingKey = '';
  private playingLabel = '';
  private playReady = false;
  private playProblem = '';
  private episodeReturns: number[] = [];
  /** The run whose playing the user stopped: it is not played again until the selection changes. */
  private suppressed: string | null = null;
  private run: LiveRun | null = null;

  constructor(
    private readonly view: TrainView,
    private readonly caption: HTMLElement,
    private readonly manager: RunManager,
    /** Each episode the player finishes (mean over those of the current policy). */
    private readonly onEpisodes: (returns: readonly number[], last: { episodeReturn: number; length: number }) => void = () => undefined,
  ) {}

  get isPlaying(): boolean {
    return this.player !== null;
  }

  /** Shows `run` (the selected one, or null) as its state asks; cheap to call on every state change. */
  update(run: LiveRun | null): void {
    if (run?.stored.name !== this.run?.stored.name) {
      this.suppressed = null;
      if (this.playingKey === 'explicit') this.stopPlayer();
    }
    this.run = run;
    if (this.playingKey === 'explicit') return this.renderCaption();
    // With no run selected the caller shows the first screen (the chosen robot at rest).
    if (!run) return this.stopPlayer();
    const { name, config } = run.stored;
    const shown = viewFor(run, this.suppressed);
    if (shown === 'training robots' && run.poseBoard) {
      this.stopPlayer();
      this.suppressed = null;
      this.view.show(config.robot, run.numEnvs, run.poseBoard, `train:${name}`);
    } else if (shown === 'nothing') {
      this.stopPlayer();
      this.view.show(null, 0, null, '');
    } else {
      const key = `run:${name}:${run.envSteps}`;
      if (key !== this.playingKey) void this.playLatest(run, key);
    }
    this.renderCaption();
  }

  /** Plays a given policy (from the Policies view) until stopPlaying(). */
  playExplicit(snapshot: PolicySnapshot, label: string): void {
    this.start(snapshot, 'explicit', label, 4);
  }

  /** Stops whatever plays and clears the view; the selected run's policy is not played again until reselected. */
  stopPlaying(): void {
    this.suppressed = this.run?.stored.name ?? null;
    this.stopPlayer();
    this.update(this.run);
  }

  private async playLatest(run: LiveRun, key: string): Promise<void> {
    this.stopPlayer();
    this.playingKey = key;
    this.view.show(null, 0, null, '');
    try {
      const snapshot = await this.manager.exportPolicy(run.stored.name);
      if (this.playingKey !== key) return;
      const numEnvs = Math.min(MAX_PLAYED_ROBOTS, Math.max(1, Number(run.stored.config.algorithmConfig.numEnvs ?? 4)));
      this.start(snapshot, key, 'its latest policy', numEnvs);
    } catch (error) {
      if (this.playingKey !== key) return;
      this.playProblem = `There is no policy to play yet (${error instanceof Error ? error.message : String(error)}).`;
      this.renderCaption();
    }
  }

  private start(snapshot: PolicySnapshot, key: string, label: string, numEnvs: number): void {
    this.stopPlayer();
    // The robots shown until now (a training run's) are not the ones about to play.
    this.view.show(null, 0, null, '');
    this.playingKey = key;
    this.playingLabel = label;
    const worker = new Worker(new URL('../training/player.worker.ts', import.meta.url), { type: 'module', name: 'policy player' });
    this.player = worker;
    worker.onmessage = (event: MessageEvent<FromPlayer>) => {
      if (this.player !== worker) return;
      const message = event.data;
      if (message.type === 'ready') {
        this.playReady = true;
        this.view.show(message.robot, message.numEnvs, message.poses, `play:${key}`);
      } else if (message.type === 'episode') {
        this.episodeReturns.push(message.episodeReturn);
        this.onEpisodes(this.episodeReturns, message);
      } else {
        this.playProblem = `The policy could not be played: ${message.detail}.`;
        this.stopPlayer();
      }
      this.renderCaption();
    };
    worker.postMessage({ type: 'play', snapshot, numEnvs, seed: 1 } satisfies ToPlayer);
    this.renderCaption();
  }

  private stopPlayer(): void {
    const player = this.player;
    this.player = null;
    this.playingKey = '';
    this.playReady = false;
    this.playProblem = '';
    this.episodeReturns = [];
    if (!player) return;
    player.postMessage({ type: 'stop' } satisfies ToPlayer);
    setTimeout(() => player.terminate(), 500);
    this.view.show(null, 0, null, '');
  }

  private renderCaption(): void {
    const run = this.run;
    if (!run && this.playingKey !== 'explicit') return;
    const parts: string[] = [];
    if (this.playingKey !== 'explicit' && run) parts.push(stateCaption(run, this.manager.queuePosition(run.stored.name), maxConcurrentRuns()));
    if (this.player)
      parts.push(
        playingCaption({ label: this.playingKey === 'explicit' ? this.playingLabel : null, ready: this.playReady, returns: this.episodeReturns }),
      );
    else if (this.playProblem) parts.push(this.playProblem);
    else if (run && this.suppressed === run.stored.name) parts.push('Playing stopped: pick the run again in the list to watch its policy.');
    this.caption.textContent = parts.join(' ');
  }
}
