/**
 * A trained actor as plain numbers: what every algorithm hands to export, play and the app.
 * The deterministic action is squash(layers(normalise(obs))): the mean of the policy, squashed as in training.
 */

export type Activation = 'relu' | 'tanh' | 'linear';

export interface DenseLayerSnapshot {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Row-major [inputSize, outputSize]: y = x K + b. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

export interface ObservationNormaliserSnapshot {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Normalised observations are clipped to [-clip, clip]. */
  readonly clip: number;
}

export interface PolicySnapshot {
  readonly robot: string;
  readonly algorithm: string;
  readonly observationSize: number;
  readonly actionSize: number;
  /** Null when the algorithm trains on raw observations. */
  readonly obsNormaliser: ObservationNormaliserSnapshot | null;
  readonly layers: readonly DenseLayerSnapshot[];
  /** How the last layer's output becomes an action in [-1, 1]: tanh (DDPG, TD3, SAC) or clipping a Gaussian mean (on-policy). */
  readonly outputSquash: 'tanh' | 'clip';
  /** Environment steps the policy was trained for. */
  readonly envSteps: number;
  /** Mean deterministic evaluation return when exported, if measured. */
  readonly evalReturn?: number;
}
