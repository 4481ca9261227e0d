import { Pane, type ButtonApi, type FolderApi } from 'tweakpane';
import type { BindingApi } from '@tweakpane/core';
import type { AlgorithmConfig, AlgorithmEntry, ConfigValue } from '../../../agents/contract.ts';
import { defaultPhysics, physicsNames, physicsSummary, type PhysicsName } from '../../../sim/physics.ts';
import { DEFAULT_TOTAL_STEPS } from '../../runtime/run-config.ts';

/** What the user asks for when pressing Start. */
export interface RunRequest {
  readonly robot: string;
  readonly physics: PhysicsName;
  readonly algorithm: string;
  readonly preset: 'robot' | 'defaults';
  /** The hyperparameters edited in the form (typed), applied over the preset like the CLI's --set. */
  readonly edits: Readonly<Record<string, ConfigValue>>;
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

/** Whole numbers as whole numbers (64, not 64.00); others with up to 4 significant digits (0.0003, 1e-8). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/**
 * A validation error as the form shows it: without the algorithm's name in front ('ppo: '), and the field it is
 * about (the field its text starts with), if it is one of `fields`.
 */
export function invalidField(message: string, fields: Iterable<string>): { readonly text: string; readonly field: string | undefined } {
  const text = message.replace(/^[\w-]+: /, '');
  return { text, field: [...fields].find((name) => new RegExp(`^${name}\\b`).test(text)) };
}

/** Tweakpane's folder opening: its height transition (0.2 s), then its contents fading in (0.2 s), and a margin. */
const FOLDER_OPENING_MS = 450;

/** Form fields edited at the top of the panel rather than among the hyperparameters: config field -> form key. */
const TOP_FIELDS: Readonly<Record<string, keyof FormState>> = { numEnvs: 'numEnvs', totalSteps: 'totalSteps' };

/**
 * The "New run" panel: robot, algorithm, preset, environments, workers, seed, budget and every hyperparameter
 * of the chosen algorithm (tooltip: its meaning and default; an invalid value is marked beside its field and
 * the line under Start says why Start is off), with Start / Pause-Resume / Stop / Export. The buttons come
 * before the Hyperparameters folder so that opening it never pushes Start out of view.
 */
export class RunControls {
  private readonly pane: Pane;
  private readonly form: FormState;
  private readonly status: HTMLElement;
  private hyperFolder: FolderApi | null = null;
  private overrides: Record<string, EditableValue> = {};
  /** Field -> its row and the message shown under its value (top fields and hyperparameters alike). */
  private readonly fields = new Map<string, { row: HTMLElement; message: HTMLElement }>();
  private validConfig: AlgorithmConfig | null = null;
  private state: ControlState = 'idle';
  private hasRun = false;
  private readonly buttons: Record<'start' | 'pause' | 'stop' | 'export', ButtonApi>;

  constructor(
    container: HTMLElement,
    private readonly robots: readonly string[],
    private readonly algorithms: Readonly<Record<string, AlgorithmEntry>>,
    private readonly handlers: RunControlsHandlers,
    cores: number,
  ) {
    const algorithmNames = Object.keys(algorithms);
    this.form = {
      robot: robots[0],
      physics: defaultPhysics(robots[0]),
      algorithm: algorithmNames.includes('ppo') ? 'ppo' : algorithmNames[0],
      preset: 'robot',
      numEnvs: 8,
      workers: 0,
      seed: 1,
      totalSteps: DEFAULT_TOTAL_STEPS,
    };
    this.pane = new Pane({ container });
    const options = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, name]));
    this.bind('robot', { options: options(robots) }, 'The robot to train.').on('change', () => {
      this.form.physics = defaultPhysics(this.form.robot);
      this.pane.refresh();
      this.rebuildHyperparameters();
    });
    this.bind(
      'physics',
      { options: options(physicsNames) },
      `The robots' physics: ${physicsNames.map((name) => `${name}, ${physicsSummary[name]}`).join('; ')}. Each robot starts on its default: rapier where it runs, else mujoco.`,
    );
    this.bind('algorithm', { options: options(algorithmNames) }, 'The learning algorithm.').on('change', () => this.rebuildHyperparameters());
    this.bind(
      'preset',
      { options: { 'tuned for this robot': 'robot', 'algorithm defaults': 'defaults' } },
      'Start from the hyperparameters tuned for this robot, or from the algorithm defaults.',
    ).on('change', () => this.rebuildHyperparameters());
    this.bind('numEnvs', { label: 'envs', min: 1, max: 256, step: 1 }, 'Parallel environments (robots) in this run.', 'numEnvs');
    this.bind('workers', { min: 0, max: Math.max(1, cores), step: 1 }, 'Worker threads stepping the environments (0: in the trainer thread).');
    this.bind('seed', { min: 0, step: 1 }, 'Seeds networks, exploration and environments: the same seed gives the same run.');
    this.bind(
      'totalSteps',
      { label: 'steps', min: 1000, step: 1000 },
      `Environment steps to train for; a learning-rate schedule spans the same steps, as with the CLI's --steps (default: ${DEFAULT_TOTAL_STEPS.toLocaleString('en')}).`,
      'totalSteps',
    );
    this.buttons = {
      start: this.pane.addButton({ title: 'Start' }),
      pause: this.pane.addButton({ title: 'Pause' }),
      stop: this.pane.addButton({ title: 'Stop' }),
      export: this.pane.addButton({ title: 'Export policy' }),
    };
    this.buttons.start.element.title = 'Starts a new run with these settings (it waits in the queue while every spare core trains another run).';
    this.status = document.createElement('p');
    this.status.className = 'form-status';
    this.status.setAttribute('role', 'status');
    // Under Start, inside its row (Tweakpane places its rows by index, so nothing is inserted between them).
    this.buttons.start.element.append(this.status);
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

  /** Pause/Resume, Stop and Export follow the selected run; Start depends only on the form being valid. */
  setState(state: ControlState, hasRun: boolean): void {
    this.state = state;
    this.hasRun = hasRun;
    this.buttons.start.disabled = state === 'busy' || this.validConfig === null;
    this.buttons.pause.disabled = state !== 'training' && state !== 'paused' && state !== 'resumable';
    this.buttons.pause.title = state === 'paused' || state === 'resumable' ? 'Resume' : 'Pause';
    this.buttons.stop.disabled = state !== 'training' && state !== 'paused';
    this.buttons.export.disabled = !hasRun || state === 'busy';
  }

  private bind(key: keyof FormState, params: Record<string, unknown>, tooltip: string, configField?: string): BindingApi {
    const binding = this.pane.addBinding(this.form, key, params);
    binding.element.title = tooltip;
    if (configField) {
      this.fields.set(configField, { row: binding.element, message: this.attachMessage(binding) });
      binding.on('change', () => this.revalidate());
    }
    return binding;
  }

  /** A message line inside the field's row, under its value, hidden until the value is invalid. */
  private attachMessage(binding: BindingApi): HTMLElement {
    const message = document.createElement('div');
    message.className = 'field-error';
    message.hidden = true;
    (binding.element.querySelector('.tp-lblv_v') ?? binding.element).append(message);
    return message;
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
    for (const field of [...this.fields.keys()]) if (!(field in TOP_FIELDS)) this.fields.delete(field);
    this.overrides = {};
    const base = this.baseConfig();
    const entry = this.entry();
    const values: Record<string, EditableValue> = Object.fromEntries(Object.entries(base).map(([key, value]) => [key, toEditable(value)]));
    const folder = this.pane.addFolder({ title: 'Hyperparameters', expanded: false });
    // numEnvs is edited at the top of the panel (envs), beside workers; totalSteps is the steps field.
    if (typeof base.numEnvs === 'number') this.form.numEnvs = base.numEnvs;
    this.pane.refresh();
    for (const field of Object.keys(values)) {
      if (field in TOP_FIELDS) continue;
      const binding =
        typeof values[field] === 'number' ? folder.addBinding(values, field, { format: formatNumber }) : folder.addBinding(values, field);
      binding.element.title = `${entry.fieldDocs[field] ?? field} (default: ${String(toEditable(entry.defaultConfig[field]))})`;
      this.fields.set(field, { row: binding.element, message: this.attachMessage(binding) });
      binding.on('change', (event) => {
        this.overrides[field] = event.value as EditableValue;
        this.revalidate();
      });
    }
    this.hyperFolder = folder;
    this.revalidate();
  }

  /** The hyperparameters edited in the form, typed like the config's own values. */
  private edits(): Record<string, ConfigValue> {
    const base = this.baseConfig();
    return Object.fromEntries(Object.entries(this.overrides).map(([field, edited]) => [field, fromEditable(edited, base[field])]));
  }

  /** Validates the config the run would get (as resolveRunConfig builds it); the error is shown beside the field it names. */
  private revalidate(): void {
    for (const { row, message } of this.fields.values()) {
      message.hidden = true;
      row.classList.remove('invalid');
    }
    const base = this.baseConfig();
    const candidate: Record<string, unknown> = { ...base, ...this.edits() };
    for (const [field, key] of Object.entries(TOP_FIELDS)) if (field in base) candidate[field] = this.form[key];
    try {
      this.validConfig = this.entry().validate(candidate);
      this.status.textContent = '';
    } catch (error) {
      this.validConfig = null;
      const { text, field } = invalidField(error instanceof Error ? error.message : String(error), this.fields.keys());
      const shown = field === undefined ? undefined : this.fields.get(field);
      // The line under Start first: it moves the rows below it, so the marked row is scrolled to afterwards.
      this.status.textContent = `Start is off: ${text}.${shown ? ' The field is marked.' : ''}`;
      if (shown) this.markField(shown, text);
    }
    this.setState(this.state, this.hasRun);
  }

  /**
   * Shows `text` under the field's value, marks the row, and brings it into the middle of the panel (opening its
   * folder). Tweakpane opens a folder with a height transition (FOLDER_OPENING_MS), during which the panel cannot yet
   * scroll as far as the row's final place: so the row is brought into view at once and again when the folder has
   * opened, unless the value was corrected meanwhile.
   */
  private markField(shown: { row: HTMLElement; message: HTMLElement }, text: string): void {
    shown.message.textContent = text;
    shown.message.hidden = false;
    shown.row.classList.add('invalid');
    const folder = this.hyperFolder;
    if (folder && !folder.expanded && folder.element.contains(shown.row)) folder.expanded = true;
    const reveal = () => {
      if (!shown.message.hidden) shown.row.scrollIntoView({ block: 'center' });
    };
    reveal();
    setTimeout(reveal, FOLDER_OPENING_MS);
  }

  private startPressed(): void {
    if (!this.validConfig) return;
    this.handlers.start({ ...this.form, edits: this.edits() });
  }
}
