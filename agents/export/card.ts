import type { PolicySnapshot } from '../policy.ts';
import { asRecord, describe, parseJsonText, readArray, readFloats, readNumber, readString, type JsonRecord } from './json-read.ts';
import { robotLayout, type RobotLayout, type SignalEntry } from './robot-layouts.ts';
import { checkPolicySnapshot, checkSize, isActivation, PolicyFormatError } from './snapshot-check.ts';

/**
 * The policy card: a JSON description a person or another program reads before deploying the policy —
 * robot, algorithm, observation/action layout with units, the normalisation statistics (so they can never
 * be lost), the network shape, training steps, evaluation return, Sinew version, and the files beside it.
 */
export const CARD_FILE = 'policy-card.json';
export const CARD_FORMAT = 'sinew-policy-card';
export const CARD_FORMAT_VERSION = 1;

export interface PolicyCard {
  readonly format: typeof CARD_FORMAT;
  readonly formatVersion: typeof CARD_FORMAT_VERSION;
  readonly sinewVersion: string;
  readonly robot: string;
  readonly algorithm: string;
  readonly observation: {
    readonly size: number;
    readonly layout: readonly SignalEntry[];
    readonly layoutSource: string;
    /** (obs - mean) / sqrt(variance + epsilon), clipped to [-clip, clip]; null when the policy reads raw observations. */
    readonly normalisation: {
      readonly mean: readonly number[];
      readonly variance: readonly number[];
      readonly epsilon: number;
      readonly clip: number | null;
    } | null;
  };
  readonly action: {
    readonly size: number;
    readonly layout: readonly SignalEntry[];
    readonly range: readonly [-1, 1];
    readonly squash: 'tanh' | 'clip';
  };
  readonly network: { readonly layers: readonly { readonly inputSize: number; readonly outputSize: number; readonly activation: string }[] };
  readonly training: { readonly envSteps: number; readonly evalReturn: number | null };
  /** Exported networks beside the card, by form. */
  readonly files: { readonly tfjs?: string; readonly onnx?: string };
}

export interface CardOptions {
  readonly sinewVersion: string;
  /** From sim's robot description when it has one; otherwise the built-in table. */
  readonly layout?: RobotLayout;
  readonly files?: PolicyCard['files'];
}

export function writePolicyCard(snapshot: PolicySnapshot, options: CardOptions): PolicyCard {
  checkPolicySnapshot(snapshot);
  const layout = options.layout ?? robotLayout(snapshot.robot, snapshot.observationSize, snapshot.actionSize);
  const normaliser = snapshot.obsNormaliser;
  return {
    format: CARD_FORMAT,
    formatVersion: CARD_FORMAT_VERSION,
    sinewVersion: options.sinewVersion,
    robot: snapshot.robot,
    algorithm: snapshot.algorithm,
    observation: {
      size: snapshot.observationSize,
      layout: layout.observation,
      layoutSource: layout.source,
      normalisation: normaliser && {
        mean: Array.from(normaliser.mean),
        variance: Array.from(normaliser.variance),
        epsilon: normaliser.epsilon,
        clip: Number.isFinite(normaliser.clip) ? normaliser.clip : null,
      },
    },
    action: { size: snapshot.actionSize, layout: layout.action, range: [-1, 1], squash: snapshot.outputSquash },
    network: { layers: snapshot.layers.map(({ inputSize, outputSize, activation }) => ({ inputSize, outputSize, activation })) },
    training: { envSteps: snapshot.envSteps, evalReturn: snapshot.evalReturn ?? null },
    files: options.files ?? {},
  };
}

function readLayout(record: JsonRecord, size: number, what: string): SignalEntry[] {
  const entries = readArray(record, 'layout', what);
  if (entries.length !== size) throw new PolicyFormatError(`${what}.layout has ${entries.length} entries for size ${size}`);
  return entries.map((entry, i) => {
    const signal = asRecord(entry, `${what}.layout[${i}]`);
    return { name: readString(signal, 'name', `${what}.layout[${i}]`), unit: readString(signal, 'unit', `${what}.layout[${i}]`) };
  });
}

/** Parses and validates a card; throws PolicyFormatError naming the first problem. */
export function readPolicyCard(text: string, source = CARD_FILE): PolicyCard {
  const card = asRecord(parseJsonText(text, source), source);
  if (card.format !== CARD_FORMAT) throw new PolicyFormatError(`${source} is not a Sinew policy card (format ${describe(card.format)})`);
  if (card.formatVersion !== CARD_FORMAT_VERSION)
    throw new PolicyFormatError(`${source}: card format version ${describe(card.formatVersion)} is not ${CARD_FORMAT_VERSION}`);
  const observation = asRecord(card.observation, `${source}: observation`);
  const action = asRecord(card.action, `${source}: action`);
  const observationSize = checkSize(observation.size, `${source}: observation.size`);
  const actionSize = checkSize(action.size, `${source}: action.size`);
  let normalisation: PolicyCard['observation']['normalisation'] = null;
  if (observation.normalisation !== null) {
    const what = `${source}: observation.normalisation`;
    const stats = asRecord(observation.normalisation, what);
    const variance = Array.from(readFloats(stats, 'variance', observationSize, what));
    if (variance.some((v) => v < 0)) throw new PolicyFormatError(`${what}.variance must be >= 0`);
    const clip = stats.clip === null ? null : readNumber(stats, 'clip', what);
    if (clip !== null && clip <= 0) throw new PolicyFormatError(`${what}.clip must be > 0, got ${clip}`);
    normalisation = {
      mean: Array.from(readFloats(stats, 'mean', observationSize, what)),
      variance,
      epsilon: readNumber(stats, 'epsilon', what),
      clip,
    };
  }
  const squash = action.squash;
  if (squash !== 'tanh' && squash !== 'clip')
    throw new PolicyFormatError(`${source}: action.squash must be 'tanh' or 'clip', got ${describe(squash)}`);
  const layers = readArray(asRecord(card.network, `${source}: network`), 'layers', `${source}: network`).map((entry, i) => {
    const layer = asRecord(entry, `${source}: network.layers[${i}]`);
    if (!isActivation(layer.activation))
      throw new PolicyFormatError(`${source}: network.layers[${i}].activation ${describe(layer.activation)} is unknown`);
    return {
      inputSize: checkSize(layer.inputSize, `${source}: network.layers[${i}].inputSize`),
      outputSize: checkSize(layer.outputSize, `${source}: network.layers[${i}].outputSize`),
      activation: layer.activation,
    };
  });
  const training = asRecord(card.training, `${source}: training`);
  const files = asRecord(card.files ?? {}, `${source}: files`);
  for (const [form, name] of Object.entries(files)) {
    if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || name.startsWith('.')) {
      throw new PolicyFormatError(`${source}: files.${form} must be a plain file name beside the card, got ${describe(name)}`);
    }
  }
  return {
    format: CARD_FORMAT,
    formatVersion: CARD_FORMAT_VERSION,
    sinewVersion: readString(card, 'sinewVersion', source),
    robot: readString(card, 'robot', source),
    algorithm: readString(card, 'algorithm', source),
    observation: {
      size: observationSize,
      layout: readLayout(observation, observationSize, `${source}: observation`),
      layoutSource: readString(observation, 'layoutSource', `${source}: observation`),
      normalisation,
    },
    action: { size: actionSize, layout: readLayout(action, actionSize, `${source}: action`), range: [-1, 1], squash },
    network: { layers },
    training: {
      envSteps: readEnvSteps(training, `${source}: training`),
      evalReturn: training.evalReturn === null ? null : readNumber(training, 'evalReturn', `${source}: training`),
    },
    files: { ...(typeof files.tfjs === 'string' ? { tfjs: files.tfjs } : {}), ...(typeof files.onnx === 'string' ? { onnx: files.onnx } : {}) },
  };
}

function readEnvSteps(record: JsonRecord, what: string): number {
  const envSteps = readNumber(record, 'envSteps', what);
  if (!Number.isInteger(envSteps) || envSteps < 0) throw new PolicyFormatError(`${what}.envSteps must be a whole number >= 0, got ${envSteps}`);
  return envSteps;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));

/** Refuses a card that describes another policy than the network loaded beside it (another robot, size, statistics...). */
export function checkCardMatches(card: PolicyCard, snapshot: PolicySnapshot, networkSource: string): void {
  const mismatch = (what: string, inCard: unknown, inNetwork: unknown): never => {
    throw new PolicyFormatError(
      `the policy card says ${what} is ${String(inCard)} but ${networkSource} says ${String(inNetwork)}: they do not belong together`,
    );
  };
  if (card.robot !== snapshot.robot) mismatch('the robot', `'${card.robot}'`, `'${snapshot.robot}'`);
  if (card.algorithm !== snapshot.algorithm) mismatch('the algorithm', card.algorithm, snapshot.algorithm);
  if (card.observation.size !== snapshot.observationSize) mismatch('the observation size', card.observation.size, snapshot.observationSize);
  if (card.action.size !== snapshot.actionSize) mismatch('the action size', card.action.size, snapshot.actionSize);
  if (card.action.squash !== snapshot.outputSquash) mismatch('the action squash', card.action.squash, snapshot.outputSquash);
  // Without a normaliser the card holds no number of the network: the training steps tell checkpoints apart.
  if (card.training.envSteps !== snapshot.envSteps) mismatch('the training steps', card.training.envSteps, snapshot.envSteps);
  const shape = (layers: readonly { inputSize: number; outputSize: number; activation: string }[]): string =>
    layers.map((l) => `${l.inputSize}-${l.outputSize}:${l.activation}`).join(' ');
  if (shape(card.network.layers) !== shape(snapshot.layers)) mismatch('the network', shape(card.network.layers), shape(snapshot.layers));
  const stats = card.observation.normalisation;
  const normaliser = snapshot.obsNormaliser;
  if ((stats === null) !== (normaliser === null))
    mismatch('observation normalisation', stats ? 'present' : 'absent', normaliser ? 'present' : 'absent');
  if (stats && normaliser) {
    // Compare what the policy computes (mean and sqrt(variance + epsilon)), not how a file happens to split it.
    for (let i = 0; i < stats.mean.length; i++) {
      if (!close(stats.mean[i], normaliser.mean[i])) mismatch(`observation mean[${i}]`, stats.mean[i], normaliser.mean[i]);
      const cardStd = Math.sqrt(stats.variance[i] + stats.epsilon);
      const networkStd = Math.sqrt(normaliser.variance[i] + normaliser.epsilon);
      if (!close(cardStd, networkStd)) mismatch(`observation std[${i}]`, cardStd, networkStd);
    }
    const clip = Number.isFinite(normaliser.clip) ? normaliser.clip : null;
    if (stats.clip !== clip && !(stats.clip !== null && clip !== null && close(stats.clip, clip))) mismatch('the observation clip', stats.clip, clip);
  }
}
