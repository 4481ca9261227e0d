import { tf } from './tf.ts';
import { dense } from './dense.ts';
import type { Activation, DenseLayerSnapshot } from './policy.ts';
import type { Rng } from '../sim/rng.ts';

/** The shape of a multilayer perceptron. */
export interface MlpSpec {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
  /** Activation after every hidden layer (relu when absent). */
  readonly hiddenActivation?: Activation;
  /** Activation of the output layer (linear when absent). */
  readonly outputActivation?: Activation;
  /** Multiplies the output layer's initial weights: small heads (e.g. 0.01) start policies near zero. */
  readonly outputInitScale?: number;
}

interface Layer {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly activation: Activation;
}

/** tf.variable copies its initial value, which no tidy would free: dispose it here. */
function variableFrom<R extends tf.Rank>(initial: tf.Tensor<R>): tf.Variable<R> {
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Mlp: ${name} must be a positive integer, got ${value}`);
}

/**
 * An MLP on the fast dense layer (dense.ts). Weights start as in PyTorch's nn.Linear (CleanRL's networks):
 * kernel and bias uniform in +-1/sqrt(fan_in), drawn from the seeded Rng so a run is reproducible.
 */
export class Mlp {
  readonly spec: MlpSpec;
  private readonly layers: Layer[];

  constructor(spec: MlpSpec, rng: Rng) {
    checkSize('inputSize', spec.inputSize);
    checkSize('outputSize', spec.outputSize);
    spec.hiddenSizes.forEach((size, i) => checkSize(`hiddenSizes[${i}]`, size));
    this.spec = spec;
    const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const isOutput = i + 2 === sizes.length;
      const scale = isOutput ? (spec.outputInitScale ?? 1) : 1;
      const bound = 1 / Math.sqrt(sizes[i]);
      const kernelValues = new Float32Array(sizes[i] * sizes[i + 1]);
      for (let k = 0; k < kernelValues.length; k++) kernelValues[k] = scale * rng.uniformRange(-bound, bound);
      const biasValues = new Float32Array(sizes[i + 1]);
      for (let k = 0; k < biasValues.length; k++) biasValues[k] = scale * rng.uniformRange(-bound, bound);
      const activation = isOutput ? (spec.outputActivation ?? 'linear') : (spec.hiddenActivation ?? 'relu');
      this.layers.push({
        kernel: variableFrom(tf.tensor2d(kernelValues, [sizes[i], sizes[i + 1]])),
        bias: variableFrom(tf.tensor1d(biasValues)),
        activation,
      });
    }
  }

  /** Forward pass on a batch [n, inputSize] -> [n, outputSize]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const layer of this.layers) h = dense(h, layer.kernel, layer.bias, layer.activation);
    return h;
  }

  /** Kernel and bias of each layer, in order: what an optimiser updates. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias]);
  }

  /** Copies of the weights, in the order of `variables`. */
  readWeights(): Float32Array[] {
    return this.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  /** Overwrites the weights from arrays in the order of `variables`. */
  writeWeights(arrays: readonly Float32Array[]): void {
    const variables = this.variables;
    if (arrays.length !== variables.length) {
      throw new Error(`Mlp.writeWeights: expected ${variables.length} arrays, got ${arrays.length}`);
    }
    variables.forEach((v, i) => {
      if (arrays[i].length !== v.size) {
        throw new Error(`Mlp.writeWeights: array ${i} has ${arrays[i].length} values, the variable ${v.size}`);
      }
      tf.tidy(() => v.assign(tf.tensor(arrays[i], v.shape)));
    });
  }

  /** Makes this network's weights equal to `source`'s (same spec). */
  copyFrom(source: Mlp): void {
    const from = source.variables;
    const to = this.variables;
    if (from.length !== to.length) throw new Error('Mlp.copyFrom: the networks have different shapes');
    to.forEach((v, i) => {
      if (!tf.util.arraysEqual(v.shape, from[i].shape)) throw new Error('Mlp.copyFrom: the networks have different shapes');
      v.assign(from[i]);
    });
  }

  /** The layers as plain numbers, for a PolicySnapshot. */
  snapshot(): DenseLayerSnapshot[] {
    return this.layers.map((layer) => ({
      inputSize: layer.kernel.shape[0],
      outputSize: layer.kernel.shape[1],
      kernel: Float32Array.from(layer.kernel.dataSync() as Float32Array),
      bias: Float32Array.from(layer.bias.dataSync() as Float32Array),
      activation: layer.activation,
    }));
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    return this.variables.reduce((sum, v) => sum + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
