import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../agents/contract.ts';
import { playingCaption, stateCaption, type CaptionedRun } from '../../app/renderer/panels/captions.ts';
import { chartColumns, chartSeries, legendLines, trainingCharts } from '../../app/renderer/panels/charts.ts';
import { csvCell, curvesCsv, evaluationCell, pm, sortedGroups, tableCsv, type RobotComparison } from '../../app/renderer/panels/comparison.ts';
import { formatNumber, invalidField } from '../../app/renderer/panels/run-controls.ts';
import { summariseAlgorithms, summariseRun } from '../../app/runtime/report.ts';

const run = (phase: CaptionedRun['phase'], envSteps = 1500, detail = ''): CaptionedRun => ({
  phase,
  envSteps,
  numEnvs: 8,
  detail,
  stored: { name: 'r1', config: { robot: 'reacher', totalSteps: 6000 } },
});

describe("the 3D view's captions (panels/captions.ts)", () => {
  it('say what is true in each run state', () => {
    expect(stateCaption(run('training'), null, 1)).toBe(
      'r1: 8 reacher robots training, acting with exploration noise. Click one to follow it (F), Escape returns to the grid.',
    );
    expect(stateCaption(run('paused'), null, 1)).toBe('r1 is paused at 1,500 of 6,000 steps: press Resume (or Space) to go on.');
    expect(stateCaption(run('queued'), 2, 1)).toBe(
      'r1 is queued, 2nd in line: it starts when a training run ends (1 run train at once on this machine).',
    );
    expect(stateCaption(run('queued'), 11, 3)).toBe(
      'r1 is queued, 11th in line: it starts when a training run ends (3 runs train at once on this machine).',
    );
    expect(stateCaption(run('finished', 6000), null, 1)).toBe('r1 finished its 6,000 steps.');
    expect(stateCaption(run('stopped'), null, 1)).toBe('r1 stopped at 1,500 of 6,000 steps: press Resume to continue it.');
    expect(stateCaption(run('failed', 0, 'out of memory'), null, 1)).toBe(
      'r1 failed: out of memory. Its last checkpoint is kept: press Resume to retry.',
    );
  });

  it("give a playing policy's evaluation return as the mean of its episodes so far", () => {
    expect(playingCaption({ label: null, ready: false, returns: [] })).toBe('Its latest policy plays here without exploration noise (loading).');
    // (-4 + -6 + -11) / 3 = -7
    expect(playingCaption({ label: 'policy.zip', ready: true, returns: [-4, -6, -11] })).toBe(
      'Playing policy.zip without exploration noise: evaluation return (deterministic) -7.00, mean of 3 episodes.',
    );
  });
});

const record = (envSteps: number, values: Record<string, number>): MetricsRecord => ({ envSteps, wallTime: envSteps / 1000, ...values });

describe("the chart strip's curves (panels/charts.ts)", () => {
  const [returns] = trainingCharts;
  const first = {
    label: 'ppo seed 1',
    records: [record(100, { episode_return: -40 }), record(200, { episode_return: -30 }), record(200, { eval_return: -20 })],
  };
  const second = { label: 'ppo seed 2', records: [record(150, { episode_return: -35 })] };

  it('draws the series a run has data for, the evaluation among them once it is logged', () => {
    expect(chartSeries(returns, [second], false).map((series) => series.label)).toEqual(['training (with exploration noise)']);
    const series = chartSeries(returns, [first, second], false);
    expect(series.map((s) => [s.label, s.color, s.sparse])).toEqual([
      ['training (with exploration noise)', '#d4581c', false],
      ['evaluation (deterministic)', '#2870c2', true],
    ]);
  });

  it("overlays runs in the comparison's colours, labelled by run, a run's evaluation dashed in its colour", () => {
    const series = chartSeries(returns, [first, second], true);
    expect(series.map((s) => [s.label, s.color, s.dash])).toEqual([
      ['ppo seed 1: training', '#d4581c', false],
      ['ppo seed 1: evaluation', '#d4581c', true],
      ['ppo seed 2: training', '#2870c2', false],
    ]);
  });

  it("joins the runs' env steps into one x column, each series null where its run logged nothing", () => {
    expect(chartColumns(chartSeries(returns, [first, second], true))).toEqual([
      [100, 150, 200],
      [-40, null, -30],
      [null, null, -20],
      [null, -35, null],
    ]);
  });
});

describe("the chart strip's legend lines, estimated at 7 px a character plus a marker and a value of 10", () => {
  it('puts short entries on one line and long ones on lines of their own, wrapping a label longer than the line', () => {
    // 'env steps' 16 + 7 * 19 = 149 px and 'actor' 121 px share 275 px; 'critic' (128) starts a second line.
    expect(legendLines(['env steps', 'actor', 'critic'], 275)).toBe(2);
    // 'training (with exploration noise)' takes 16 + 7 * 43 = 317 px: from a new line, over two.
    expect(legendLines(['env steps', 'training (with exploration noise)'], 275)).toBe(3);
    // Four overlaid runs' entries of 226 px: one line each, after the x value's.
    expect(legendLines(['env steps', ...Array.from({ length: 4 }, (_, i) => `ppo seed ${i}: training`)], 275)).toBe(5);
  });
});

/** A Reacher run's input to the report's summaries. */
const reacherRun = (name: string, algorithm: string, seed: number, records: MetricsRecord[]) => ({
  name,
  robot: 'reacher',
  algorithm,
  seed,
  records,
});

describe("the comparison's table and exports (panels/comparison.ts)", () => {
  // Two PPO seeds and one TD3 run on the Reacher; returns of the last points are their own smoothed values.
  const input = (name: string, algorithm: string, seed: number, returns: number[]) =>
    reacherRun(
      name,
      algorithm,
      seed,
      returns.map((value, i) => record((i + 1) * 1000, { episode_return: value })),
    );
  const runs = [input('a', 'ppo', 1, [-10, -6]), input('b', 'ppo', 2, [-8, -4]), input('c', 'td3', 1, [-20, -2])];
  const comparison: RobotComparison = { robot: 'reacher', threshold: -3.75, groups: summariseAlgorithms(runs.map((r) => summariseRun(r, -3.75, 1))) };

  it('sorts the table by a column: returns highest first, steps to the threshold fewest first, names A-Z', () => {
    // Final returns (the last 10% of steps: the last point): ppo -6 and -4 (mean -5), td3 -2.
    expect(sortedGroups(comparison.groups, 'final').map((group) => group.algorithm)).toEqual(['td3', 'ppo']);
    expect(sortedGroups(comparison.groups, 'algorithm').map((group) => group.algorithm)).toEqual(['ppo', 'td3']);
    // Only td3 reached -3.75 (at 2,000 steps); ppo never did, so it sorts last.
    expect(sortedGroups(comparison.groups, 'reached').map((group) => group.algorithm)).toEqual(['td3', 'ppo']);
    // ppo's final returns -6 and -4: mean -5, sample std sqrt(2) = 1.41.
    expect(pm(comparison.groups[0].finalReturn, 2)).toBe('-5.00 ± 1.41');
    expect(pm(null)).toBe('—');
  });

  it('exports every point of every curve, and the table, as CSV', () => {
    expect(curvesCsv([comparison], null).split('\n')).toEqual([
      'robot,algorithm,run,seed,env_steps,wall_time_s,training_return_smoothed',
      'reacher,ppo,a,1,1000,1,-10',
      'reacher,ppo,a,1,2000,2,-6',
      'reacher,ppo,b,2,1000,1,-8',
      'reacher,ppo,b,2,2000,2,-4',
      'reacher,td3,c,1,1000,1,-20',
      'reacher,td3,c,1,2000,2,-2',
      '',
    ]);
    const table = tableCsv([comparison]).split('\n');
    // Best returns are each run's best (-6 and -4): the same mean and std as the final ones here.
    // No run logged an evaluation: empty evaluation cells, 0 runs evaluated.
    expect(table[0]).toContain(',best_training_return_std,last_eval_return_mean,last_eval_return_std,runs_evaluated,threshold,');
    expect(table[1]).toBe(`reacher,ppo,2,-5,${Math.SQRT2},-5,${Math.SQRT2},,,0,-3.75,,0,1000`);
    expect(table[2]).toBe('reacher,td3,1,-2,0,-2,0,,,0,-3.75,2000,1,1000');
    expect([csvCell('a,b'), csvCell('say "hi"'), csvCell(null)]).toEqual(['"a,b"', '"say ""hi"""', '']);
  });
});

describe("the comparison's evaluation column beside the training columns (panels/comparison.ts)", () => {
  // PPO seed 1 evaluated -3 (last, after -7), seed 2 -5, seed 3 never; TD3 never. Training returns all -20 or worse.
  const evaluated = (name: string, algorithm: string, seed: number, evals: number[]) =>
    reacherRun(name, algorithm, seed, [
      ...evals.map((value, i) => record((i + 1) * 1000, { eval_return: value })),
      record(3000, { episode_return: -20 - seed }),
    ]);
  const runs = [evaluated('a', 'ppo', 1, [-7, -3]), evaluated('b', 'ppo', 2, [-5]), evaluated('c', 'ppo', 3, []), evaluated('d', 'td3', 1, [])];
  const comparison: RobotComparison = { robot: 'reacher', threshold: null, groups: summariseAlgorithms(runs.map((r) => summariseRun(r, null, 1))) };

  it("shows each group's last evaluation return apart from the training return, with how many runs logged one", () => {
    const [ppo, td3] = comparison.groups;
    // -3 and -5: mean -4, sample std sqrt(2) = 1.41; 2 of the 3 PPO runs evaluated.
    expect(evaluationCell(ppo)).toBe('-4.00 ± 1.41 (2/3)');
    expect(evaluationCell(td3)).toBe('—');
    // Training: -21, -22, -23: mean -22.
    expect(pm(ppo.finalReturn, 2)).toBe('-22.00 ± 1.00');
    // Sorting by evaluation puts the group without one last, whatever its training return (td3's -21 is higher).
    expect(sortedGroups(comparison.groups, 'evaluation').map((group) => group.algorithm)).toEqual(['ppo', 'td3']);
    expect(sortedGroups(comparison.groups, 'final').map((group) => group.algorithm)).toEqual(['td3', 'ppo']);
    expect(tableCsv([comparison]).split('\n')[1]).toBe(`reacher,ppo,3,-22,1,-22,1,-4,${Math.SQRT2},2,,,0,1000`);
  });
});

describe('the New run form (panels/run-controls.ts)', () => {
  it('shows whole numbers as whole numbers and others with up to 4 significant digits', () => {
    expect([formatNumber(64), formatNumber(0.0003), formatNumber(1e-8), formatNumber(0.123456)]).toEqual(['64', '0.0003', '1e-8', '0.1235']);
  });

  it('marks the field a validation error names, by its whole name', () => {
    const fields = ['numEnvs', 'numSteps', 'learningRate'];
    expect(invalidField('ppo: learningRate must be > 0, got -1', fields)).toEqual({
      text: 'learningRate must be > 0, got -1',
      field: 'learningRate',
    });
    expect(invalidField('ppo-kl: numSteps must be a whole number', fields).field).toBe('numSteps');
    // numEnvsPerWorker starts with numEnvs but is another field: no mark.
    expect(invalidField('a3c: numEnvsPerWorker must be >= 1', fields).field).toBeUndefined();
    expect(invalidField('minibatchSize must divide numEnvs x numSteps', fields)).toEqual({
      text: 'minibatchSize must divide numEnvs x numSteps',
      field: undefined,
    });
  });
});
