import type { PolicySnapshot } from '../policy.ts';
import { asRecord, readNumber, readString, type JsonRecord } from './json-read.ts';
import { checkSize, PolicyFormatError } from './snapshot-check.ts';

/**
 * What every exported network carries beside its weights (tfjs: model.json userDefinedMetadata.sinew;
 * ONNX: metadata_props key "sinew"), so that an importer can rebuild the PolicySnapshot and refuse a
 * file whose weights disagree with what it claims to be.
 */
export interface PolicyMetadata {
  readonly format: 'sinew-policy';
  readonly formatVersion: 1;
  readonly sinewVersion: string;
  readonly robot: string;
  readonly algorithm: string;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly outputSquash: 'tanh' | 'clip';
  /** Null when the policy reads raw observations; clip is null when normalised values are not clipped. */
  readonly normaliser: { readonly epsilon: number; readonly clip: number | null } | null;
  readonly envSteps: number;
  readonly evalReturn: number | null;
}

export const POLICY_FORMAT = 'sinew-policy';
export const POLICY_FORMAT_VERSION = 1;

export function policyMetadata(snapshot: PolicySnapshot, sinewVersion: string): PolicyMetadata {
  const normaliser = snapshot.obsNormaliser;
  return {
    format: POLICY_FORMAT,
    formatVersion: POLICY_FORMAT_VERSION,
    sinewVersion,
    robot: snapshot.robot,
    algorithm: snapshot.algorithm,
    observationSize: snapshot.observationSize,
    actionSize: snapshot.actionSize,
    outputSquash: snapshot.outputSquash,
    normaliser: normaliser && { epsilon: normaliser.epsilon, clip: Number.isFinite(normaliser.clip) ? normaliser.clip : null },
    envSteps: snapshot.envSteps,
    evalReturn: snapshot.evalReturn ?? null,
  };
}

export function parsePolicyMetadata(value: unknown, source: string): PolicyMetadata {
  const what = `${source} metadata`;
  const record = asRecord(value, what);
  if (record.format !== POLICY_FORMAT) {
    throw new PolicyFormatError(`${source} is not a Sinew policy (metadata format is ${JSON.stringify(record.format)})`);
  }
  if (record.formatVersion !== POLICY_FORMAT_VERSION) {
    throw new PolicyFormatError(
      `${source} has policy format version ${String(record.formatVersion)}; this Sinew reads version ${POLICY_FORMAT_VERSION}`,
    );
  }
  const outputSquash = record.outputSquash;
  if (outputSquash !== 'tanh' && outputSquash !== 'clip') {
    throw new PolicyFormatError(`${what}.outputSquash must be 'tanh' or 'clip', got ${String(outputSquash)}`);
  }
  const evalReturn = record.evalReturn === null ? null : readNumber(record, 'evalReturn', what);
  const envSteps = readNumber(record, 'envSteps', what);
  if (!Number.isInteger(envSteps) || envSteps < 0) throw new PolicyFormatError(`${what}.envSteps must be a whole number >= 0`);
  return {
    format: POLICY_FORMAT,
    formatVersion: POLICY_FORMAT_VERSION,
    sinewVersion: readString(record, 'sinewVersion', what),
    robot: readString(record, 'robot', what),
    algorithm: readString(record, 'algorithm', what),
    observationSize: checkSize(record.observationSize, `${what}.observationSize`),
    actionSize: checkSize(record.actionSize, `${what}.actionSize`),
    outputSquash,
    normaliser: record.normaliser === null ? null : parseNormaliserMetadata(asRecord(record.normaliser, `${what}.normaliser`), what),
    envSteps,
    evalReturn,
  };
}

function parseNormaliserMetadata(record: JsonRecord, what: string): { epsilon: number; clip: number | null } {
  const epsilon = readNumber(record, 'epsilon', `${what}.normaliser`);
  const clip = record.clip === null ? null : readNumber(record, 'clip', `${what}.normaliser`);
  if (epsilon < 0) throw new PolicyFormatError(`${what}.normaliser.epsilon must be >= 0, got ${epsilon}`);
  if (clip !== null && clip <= 0) throw new PolicyFormatError(`${what}.normaliser.clip must be > 0, got ${clip}`);
  return { epsilon, clip };
}

/** The snapshot a reader rebuilt: the network it parsed, described by the metadata stored beside it. */
export function snapshotFromMetadata(
  metadata: PolicyMetadata,
  observationSize: number,
  obsNormaliser: PolicySnapshot['obsNormaliser'],
  layers: PolicySnapshot['layers'],
): PolicySnapshot {
  return {
    robot: metadata.robot,
    algorithm: metadata.algorithm,
    observationSize,
    actionSize: metadata.actionSize,
    obsNormaliser,
    layers,
    outputSquash: metadata.outputSquash,
    envSteps: metadata.envSteps,
    ...(metadata.evalReturn === null ? {} : { evalReturn: metadata.evalReturn }),
  };
}
