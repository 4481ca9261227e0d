import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../agents/contract.ts';
import { importedFileName, importedSummary, playedReturns } from '../../app/renderer/panels/policy-files.ts';
import {
  compactSteps,
  matchesSearch,
  newestFirst,
  phaseLabel,
  renameTarget,
  runFigures,
  runTooltip,
  searchText,
  type ListedRun,
} from '../../app/renderer/panels/run-rows.ts';
import { controlState, formatDuration, summaryLine, viewFor, type StatusRun } from '../../app/renderer/panels/run-status.ts';

const record = (envSteps: number, values: Record<string, number>): MetricsRecord => ({ envSteps, wallTime: envSteps / 1000, ...values });

const listed = (name: string, createdAt: string, extra: Partial<ListedRun> = {}): ListedRun => ({
  phase: 'stopped',
  envSteps: 0,
  records: [],
  detail: '',
  stored: { name, config: { createdAt, robot: 'reacher', algorithm: 'ppo' } },
  ...extra,
});

describe("the runs list's rows (panels/run-rows.ts)", () => {
  it('lists the newest run first by when it was made, not by name; runs made at once by name', () => {
    const runs = [
      listed('b-old', '2026-12-01T10:00:00.000Z'),
      listed('a-new', '2026-12-03T09:00:00.000Z'),
      listed('z-mid', '2026-12-02T23:59:59.999Z'),
      listed('c-new', '2026-12-03T09:00:00.000Z'),
    ];
    expect(newestFirst(runs).map((run) => run.stored.name)).toEqual(['a-new', 'c-new', 'z-mid', 'b-old']);
  });

  it('shows steps in few characters and the last training return once an episode ended', () => {
    expect([950, 1000, 12_345, 999_949, 999_950, 1_250_000].map(compactSteps)).toEqual(['950', '1.0k', '12.3k', '999.9k', '1.00M', '1.25M']);
    expect(runFigures(listed('r', '2026-12-01T00:00:00Z', { envSteps: 4096 }))).toBe('4.1k steps');
    // The last finite episode_return, however many records without one follow it.
    const records = [record(1000, { episode_return: -12.34 }), record(2000, { episode_return: -8.76 }), record(3000, { critic_loss: 1 })];
    expect(runFigures(listed('r', '2026-12-01T00:00:00Z', { envSteps: 3000, records }))).toBe('3.0k steps · -8.8');
  });

  it('names each state, and says in the tooltip what went wrong or where the run trains', () => {
    expect(phaseLabel('elsewhere')).toBe('training elsewhere');
    expect(phaseLabel('finished')).toBe('finished');
    expect(runTooltip(listed('r1', '2026-12-01T00:00:00Z'))).toBe('r1');
    expect(runTooltip(listed('r1', '2026-12-01T00:00:00Z', { phase: 'failed', detail: 'out of memory' }))).toBe('r1: out of memory');
  });

  it('finds runs by name, robot or algorithm, whatever the case; an empty search shows every run', () => {
    const text = searchText(listed('Hopper-Test-7', '2026-12-01T00:00:00Z'));
    expect(text).toBe('hopper-test-7 reacher ppo');
    expect(['PPO', ' reach ', 'test-7', ''].map((query) => matchesSearch(text, query))).toEqual([true, true, true, true]);
    expect(['sac', 'walker'].map((query) => matchesSearch(text, query))).toEqual([false, false]);
  });

  it('renames to the trimmed name typed, and to nothing when the field is left empty or unchanged', () => {
    expect(renameTarget('r1', '  r2 ')).toBe('r2');
    expect(renameTarget('r1', '   ')).toBeNull();
    expect(renameTarget('r1', ' r1')).toBeNull();
    // Names are checked where the rename happens (checkName), not here: a bad one reaches it and is refused there.
    expect(renameTarget('r1', 'not a name!')).toBe('not a name!');
  });
});

const status = (phase: StatusRun['phase'], envSteps: number, extra: Partial<StatusRun> = {}): StatusRun => ({
  phase,
  envSteps,
  records: [],
  stepsPerSecond: 0,
  worker: null,
  poseBoard: null,
  stored: { name: 'r1', config: { totalSteps: 6000 } },
  ...extra,
});

describe("the selected run's buttons, summary and view (panels/run-status.ts)", () => {
  it('offers Pause while training, Resume while paused or stopped short of the budget, nothing to resume once finished', () => {
    expect(controlState(null)).toBe('idle');
    expect(controlState(status('starting', 0))).toBe('training');
    expect(controlState(status('training', 100))).toBe('training');
    expect(controlState(status('paused', 100))).toBe('paused');
    expect(controlState(status('stopped', 100))).toBe('resumable');
    expect(controlState(status('failed', 100))).toBe('resumable');
    // Stopped at its budget (the last step and the stop crossed): there is nothing left to resume.
    expect(controlState(status('stopped', 6000))).toBe('idle');
    expect(['finished', 'queued', 'saving', 'elsewhere'].map((phase) => controlState(status(phase as StatusRun['phase'], 100)))).toEqual([
      'idle',
      'idle',
      'idle',
      'idle',
    ]);
  });

  it('says the time left while training and the state otherwise, with the last training return', () => {
    expect([0.2, 59, 61, 3599, 3600, 7500].map(formatDuration)).toEqual(['1 s', '59 s', '1 min 1 s', '59 min 59 s', '1 h 0 min', '2 h 5 min']);
    const records = [record(1000, { episode_return: -5.125 })];
    // 4,800 steps left at 400 steps/s: 12 s.
    expect(summaryLine(status('training', 1200, { stepsPerSecond: 400.4, records }))).toBe(
      '1,200 / 6,000 env steps · 400 env steps/s · ETA 12 s · last training return (with exploration noise) -5.13',
    );
    expect(summaryLine(status('paused', 1200, { stepsPerSecond: 400 }))).toBe(
      '1,200 / 6,000 env steps · 400 env steps/s · paused · last training return (with exploration noise) —',
    );
  });

  it('gives the last evaluation return (deterministic) beside the training return once the run logged one', () => {
    // Evaluations at 1,000 (-9) and 2,000 (-4.255, the last); the training return of the last episode is -6.5.
    const records = [
      record(1000, { episode_return: -8 }),
      record(1000, { eval_return: -9 }),
      record(2000, { eval_return: -4.255 }),
      record(2400, { episode_return: -6.5 }),
    ];
    expect(summaryLine(status('stopped', 2400, { stepsPerSecond: 0, records }))).toBe(
      '2,400 / 6,000 env steps · 0 env steps/s · stopped · last training return (with exploration noise) -6.50 · last evaluation return (deterministic) -4.25 at 2,000 steps',
    );
  });

  it('shows the training robots while a worker holds them, else the latest policy once there is one, unless the user stopped it', () => {
    const live = { worker: {}, poseBoard: {} };
    expect(viewFor(status('training', 100, live), null)).toBe('training robots');
    expect(viewFor(status('paused', 100, live), null)).toBe('training robots');
    // Starting: no poses yet, and no policy worth playing.
    expect(viewFor(status('starting', 100), null)).toBe('nothing');
    expect(viewFor(status('queued', 0), null)).toBe('nothing');
    expect(viewFor(status('saving', 6000), null)).toBe('nothing');
    expect(viewFor(status('finished', 6000), null)).toBe('latest policy');
    expect(viewFor(status('queued', 3000), null)).toBe('latest policy');
    expect(viewFor(status('stopped', 3000), 'r1')).toBe('nothing');
    expect(viewFor(status('stopped', 3000), 'another run')).toBe('latest policy');
  });
});

describe('the Policies view (panels/policy-files.ts)', () => {
  it("imports a zip's members by their base names and loose files without the run-name prefix of older downloads", () => {
    expect(importedFileName('export/model.json', true)).toBe('model.json');
    expect(importedFileName('hopper-ppo-seed1-20261204-101010-weights.bin', false)).toBe('weights.bin');
    expect(importedFileName('r1-policy-card.json', false)).toBe('policy-card.json');
    expect(['policy-card.json', 'model.json', 'notes-model.txt'].map((name) => importedFileName(name, false))).toEqual([
      'policy-card.json',
      'model.json',
      'notes-model.txt',
    ]);
  });

  it('describes an imported policy and the returns it played', () => {
    const snapshot = { algorithm: 'td3', robot: 'hopper', observationSize: 11, actionSize: 3, layers: [{}, {}, {}], envSteps: 1_000_000 };
    expect(importedSummary(snapshot, true)).toBe(
      'td3 policy for hopper: 11 observations -> 3 actions, 3 layers, trained 1,000,000 steps, with its card.',
    );
    expect(importedSummary(snapshot, false)).toMatch(/steps\.$/);
    // (3000 + 3300) / 2 = 3150
    expect(playedReturns([3000, 3300], { episodeReturn: 3300, length: 1000 })).toBe(
      '2 episodes played, evaluation return (deterministic) 3150.00 on average (last 3300.00 over 1000 steps).',
    );
  });
});
