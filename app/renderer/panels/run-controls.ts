import { Pane, type ButtonApi, type FolderApi } from 'tweakpane';
import type { BindingApi } from '@tweakpane/core';
import type { AlgorithmConfig, AlgorithmEntry, ConfigValue } from '../../../agents/contract.ts';
import { physicsNames, type PhysicsName } from '../../../sim/physics.ts';

/** What the user asks for when pressing Start. */
export interface RunRequest {
  readonly robot: string;
  readonly physics: PhysicsName;
  readonly algorithm: string;
  readonly preset: 'robot' | 'defaults';
  readonly config: AlgorithmConfig;
  readonly numEnvs: number;
  readonly workers: number;
  readonly seed: number;
  readonly totalSteps: number;
}

export interface RunControlsHandlers {
  start(request: RunRequest): void;
  pauseOrResume(): void;
  stop(): void;
  exportPolicy(): void;
  /** The settings cannot start a run (a combination no single field shows). */
  invalid(message: string): void;
  /** A field changed (the view previews the chosen robot before any run exists). */
  formChanged(): void;
}

/** Buttons' availability follows the selected run's state. */
export type ControlState = 'idle' | 'training' | 'paused' | 'resumable' | 'busy';

interface FormState {
  robot: string;
  physics: PhysicsName;
  algorithm: string;
  preset: 'robot' | 'defaults';
  numEnvs: number;
  workers: number;
  seed: number;
  totalSteps: number;
}

/** Tweakpane can bind numbers, booleans and strings; number lists (layer sizes) are edited as "256, 256". */
type EditableValue = number | boolean | string;

function toEditable(value: ConfigValue): EditableValue {
  return Array.isArray(value) ? value.join(', ') : (value as EditableValue);
}

function fromEditable(edited: EditableValue, like: ConfigValue): ConfigValue {
  if (!Array.isArray(like)) return edited;
  const text = String(edited).trim();
  if (text === '') return [];
  return text.split(/[\s,]+/).map(Number);
}

/**
 * The "New run" panel: robot, algorithm, preset, environments, workers, seed, budget and every hyperparameter
 * of the chosen algorithm (tooltip: its meaning and default; an invalid value is marked beside its field and
 * blocks Start), with Start / Pause-Resume / Stop / Export.
 */
export class RunControls {
  private readonly pane: Pane;
  private readonly form: FormState;
  private hyperFolder: FolderApi | null = null;
  private overrides: Record<string, EditableValue> = {};
  private fieldErrors = new Map<string, HTMLElement>();
  private validConfig: AlgorithmConfig | null = null;
  private readonly buttons: Record<'start' | 'pause' | 'stop' | 'export', ButtonApi>;

  constructor(
    container: HTMLElement,
    private readonly robots: readonly string[],
    private readonly algorithms: Readonly<Record<string, AlgorithmEntry>>,
    private readonly handlers: RunControlsHandlers,
    cores: number,
  ) {
    const algorithmNames = Object.keys(algorithms);
    this.form = { robot: robots[0], physics: 'joint-space', algorithm: algorithmNames.includes('ppo') ? 'ppo' : algorithmNames[0], preset: 'robot', numEnvs: 8, workers: 0, seed: 1, totalSteps: 200_000 };
    this.pane = new Pane({ container });
    const options = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, name]));
    this.bind('robot', { options: options(robots) }, 'The robot to train.').on('change', () => this.rebuildHyperparameters());
    this.bind(
      'physics',
      { options: options(physicsNames) },
      "The robots' physics: joint-space (default) computes MuJoCo's equations and matches its trajectories; rapier builds the robots in the Rapier engine.",
    );
    this.bind('algorithm', { options: options(algorithmNames) }, 'The learning algorithm.').on('change', () => this.rebuildHyperparameters());
    this.bind('preset', { options: { 'tuned for this robot': 'robot', 'algorithm defaults': 'defaults' } }, 'Start from the hyperparameters tuned for this robot, or from the algorithm defaults.').on('change', () => this.rebuildHyperparameters());
    this.bind('numEnvs', { label: 'envs', min: 1, max: 256, step: 1 }, 'Parallel environments (robots) in this run.');
    this.bind('workers', { min: 0, max: Math.max(1, cores), step: 1 }, 'Worker threads stepping the environments (0: in the trainer thread).');
    this.bind('seed', { min: 0, step: 1 }, 'Seeds networks, exploration and environments: the same seed gives the same run.');
    this.bind('totalSteps', { label: 'steps', min: 1000, step: 1000 }, 'Environment steps to train for.');
    this.buttons = {
      start: this.pane.addButton({ title: 'Start' }),
      pause: this.pane.addButton({ title: 'Pause' }),
      stop: this.pane.addButton({ title: 'Stop' }),
      export: this.pane.addButton({ title: 'Export policy' }),
    };
    this.buttons.start.on('click', () => this.startPressed());
    this.buttons.pause.on('click', () => handlers.pauseOrResume());
    this.buttons.stop.on('click', () => handlers.stop());
    this.buttons.export.on('click', () => handlers.exportPolicy());
    this.rebuildHyperparameters();
    this.setState('idle', false);
    this.pane.on('change', () => handlers.formChanged());
  }

  /** What Start would train now. */
  get chosen(): { readonly robot: string; readonly algorithm: string; readonly numEnvs: number } {
    return { robot: this.form.robot, algorithm: this.form.algorithm, numEnvs: this.form.numEnvs };
  }

  setState(state: ControlState, hasRun: boolean): void {
    this.buttons.start.disabled = state === 'training' || state === 'paused' || state === 'busy' || this.validConfig === null;
    this.buttons.pause.disabled = state !== 'training' && state !== 'paused' && state !== 'resumable';
    this.buttons.pause.title = state === 'paused' || state === 'resumable' ? 'Resume' : 'Pause';
    this.buttons.stop.disabled = state !== 'training' && state !== 'paused';
    this.buttons.export.disabled = !hasRun || state === 'busy';
  }

  private bind(key: keyof FormState, params: Record<string, unknown>, tooltip: string): BindingApi {
    const binding = this.pane.addBinding(this.form, key, params);
    binding.element.title = tooltip;
    return binding;
  }

  private entry(): AlgorithmEntry {
    return this.algorithms[this.form.algorithm];
  }

  private baseConfig(): AlgorithmConfig {
    const entry = this.entry();
    return this.form.preset === 'robot' ? entry.validate(entry.presets[this.form.robot] ?? {}) : entry.defaultConfig;
  }

  private rebuildHyperparameters(): void {
    this.hyperFolder?.dispose();
    this.fieldErrors.clear();
    this.overrides = {};
    const base = this.baseConfig();
    const entry = this.entry();
    const values: Record<string, EditableValue> = Object.fromEntries(Object.entries(base).map(([key, value]) => [key, toEditable(value)]));
    const folder = this.pane.addFolder({ title: 'Hyperparameters', expanded: false, index: 7 });
    // numEnvs is edited at the top of the panel (envs), beside workers.
    if (typeof base.numEnvs === 'number') this.form.numEnvs = base.numEnvs;
    this.pane.refresh();
    for (const field of Object.keys(values)) {
      if (field === 'numEnvs') continue;
      const binding = folder.addBinding(values, field);
      binding.element.title = `${entry.fieldDocs[field] ?? field} (default: ${String(toEditable(entry.defaultConfig[field]))})`;
      const message = document.createElement('div');
      message.className = 'field-error';
      message.hidden = true;
      binding.element.after(message);
      this.fieldErrors.set(field, message);
      binding.on('change', (event) => {
        this.overrides[field] = event.value as EditableValue;
        this.revalidate();
      });
    }
    this.hyperFolder = folder;
    this.revalidate();
  }

  /** Validates the whole config; the error is shown beside the field it names. */
  private revalidate(): void {
    for (const message of this.fieldErrors.values()) message.hidden = true;
    const base = this.baseConfig();
    const candidate: Record<string, unknown> = { ...base };
    for (const [field, edited] of Object.entries(this.overrides)) candidate[field] = fromEditable(edited, base[field]);
    try {
      this.validConfig = this.entry().validate(candidate);
    } catch (error) {
      this.validConfig = null;
      const text = error instanceof Error ? error.message : String(error);
      const field = [...this.fieldErrors.keys()].find((name) => new RegExp(`: ${name}\\b`).test(text)) ?? [...this.fieldErrors.keys()][0];
      const message = this.fieldErrors.get(field);
      if (message) {
        message.textContent = text.replace(/^[\w-]+: /, '');
        message.hidden = false;
      }
    }
    this.buttons.start.disabled = this.validConfig === null;
  }

  private startPressed(): void {
    if (!this.validConfig) return;
    let config = this.validConfig;
    if ('numEnvs' in config) {
      try {
        config = this.entry().validate({ ...config, numEnvs: this.form.numEnvs });
      } catch (error) {
        this.handlers.invalid(error instanceof Error ? error.message : String(error));
        return;
      }
    }
    this.handlers.start({ ...this.form, config });
  }
}
