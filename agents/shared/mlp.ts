import { tf } from './tf.ts';
import { activationGradient, dense } from './dense.ts';
import type { Activation, DenseLayerSnapshot } from '../policy.ts';
import type { Rng } from '../../sim/rng.ts';

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
  /** K^T for the hand-written backward pass, valid while the kernel still holds `transposedOf`. */
  transposed: tf.Tensor2D | null;
  transposedOf: object | null;
}

/** What forwardTrace keeps for backward: the input and output of every layer. */
export interface MlpTrace {
  readonly inputs: readonly tf.Tensor2D[];
  readonly outputs: readonly tf.Tensor2D[];
  readonly output: tf.Tensor2D;
}

export interface MlpGradients {
  /** d loss / d parameters, flat in the layout of getParameters(); null when not asked for. */
  readonly parameters: Float32Array | null;
  /** d loss / d input; null when not asked for. */
  readonly input: tf.Tensor2D | null;
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
 * Initial weights as PyTorch's nn.Linear (CleanRL's networks): per layer the kernel (row-major) then the bias,
 * uniform in +-1/sqrt(fan_in) (times outputInitScale on the output layer), drawn from the seeded Rng so a run is
 * reproducible. The flat layout is the one of Mlp.getParameters.
 */
export function initialParameters(spec: MlpSpec, rng: Rng): Float32Array {
  checkSize('inputSize', spec.inputSize);
  checkSize('outputSize', spec.outputSize);
  spec.hiddenSizes.forEach((size, i) => checkSize(`hiddenSizes[${i}]`, size));
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
  let count = 0;
  for (let i = 0; i + 1 < sizes.length; i++) count += sizes[i] * sizes[i + 1] + sizes[i + 1];
  const flat = new Float32Array(count);
  let offset = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const scale = i + 2 === sizes.length ? (spec.outputInitScale ?? 1) : 1;
    const bound = 1 / Math.sqrt(sizes[i]);
    for (let k = 0; k < sizes[i] * sizes[i + 1] + sizes[i + 1]; k++) flat[offset++] = scale * rng.uniformRange(-bound, bound);
  }
  return flat;
}

/** An MLP on the fast dense layer (dense.ts), starting from initialParameters. */
export class Mlp {
  readonly spec: MlpSpec;
  private readonly layers: Layer[];

  constructor(spec: MlpSpec, rng: Rng) {
    const flat = initialParameters(spec, rng);
    this.spec = spec;
    const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
    this.layers = [];
    let offset = 0;
    for (let i = 0; i + 1 < sizes.length; i++) {
      const isOutput = i + 2 === sizes.length;
      const kernelValues = flat.subarray(offset, offset + sizes[i] * sizes[i + 1]);
      offset += kernelValues.length;
      const biasValues = flat.subarray(offset, offset + sizes[i + 1]);
      offset += biasValues.length;
      const activation = isOutput ? (spec.outputActivation ?? 'linear') : (spec.hiddenActivation ?? 'relu');
      this.layers.push({
        kernel: variableFrom(tf.tensor2d(kernelValues, [sizes[i], sizes[i + 1]])),
        bias: variableFrom(tf.tensor1d(biasValues)),
        activation,
        transposed: null,
        transposedOf: null,
      });
    }
  }

  /** Forward pass on a batch [n, inputSize] -> [n, outputSize]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const layer of this.layers) h = dense(h, layer.kernel, layer.bias, layer.activation);
    return h;
  }

  /**
   * Forward pass without the gradient tape, keeping each layer's input and output for backward().
   * Off the tape tfjs fuses matMul + bias + relu into one kernel; with the hand-written backward this is
   * the fast path of the off-policy updates. Call inside tf.tidy.
   */
  forwardTrace(x: tf.Tensor2D): MlpTrace {
    const inputs: tf.Tensor2D[] = [];
    const outputs: tf.Tensor2D[] = [];
    let h = x;
    for (const layer of this.layers) {
      inputs.push(h);
      const activation = layer.activation === 'relu' ? 'relu' : 'linear';
      const fused = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias, activation }) as tf.Tensor2D;
      h = layer.activation === 'tanh' ? tf.tanh(fused) : fused;
      outputs.push(h);
    }
    return { inputs, outputs, output: h };
  }

  /**
   * Backpropagates d loss / d output through a trace, by hand: dz = dy * act'(y), dK = x^T dz, db = sum(dz),
   * dx = dz K^T, with explicit transposes and plain matMul (wasm's transposed matMul is ~13x slower) and no
   * tape. Parameter gradients come back as one flat array (read from the backend, so call this inside
   * tf.tidy but do not return the array from the tidy).
   */
  backward(trace: MlpTrace, outputGradient: tf.Tensor2D, want: { parameters: boolean; input: boolean }): MlpGradients {
    const flat = want.parameters ? new Float32Array(this.parameterCount) : null;
    let offset = this.parameterCount;
    let dy = outputGradient;
    let inputGradient: tf.Tensor2D | null = null;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const dz = activationGradient(layer.activation, dy, trace.outputs[i]);
      offset -= layer.kernel.size + layer.bias.size;
      if (flat) {
        flat.set(tf.matMul(tf.transpose(trace.inputs[i]), dz).dataSync() as Float32Array, offset);
        // Row sums as ones[1, n] x dz: wasm's Sum over the batch axis transposes first and is ~10x slower.
        flat.set(tf.matMul(this.onesRow(dz.shape[0]), dz).dataSync() as Float32Array, offset + layer.kernel.size);
      }
      if (i > 0 || want.input) {
        dy = tf.matMul(dz, this.transposedKernel(layer));
        if (i === 0) inputGradient = dy;
      }
    }
    return { parameters: flat, input: inputGradient };
  }

  /** All parameters as one flat array: per layer, the kernel (row-major) then the bias. */
  getParameters(): Float32Array {
    const flat = new Float32Array(this.parameterCount);
    let offset = 0;
    for (const v of this.variables) {
      flat.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return flat;
  }

  /**
   * Uploads parameters from a flat array (layout of getParameters). With `forBackward` (the default) the
   * transposed kernels backward() needs are uploaded too; target networks that only run forward skip them.
   */
  setParameters(flat: Float32Array, forBackward = true): void {
    if (flat.length !== this.parameterCount) {
      throw new Error(`Mlp.setParameters: expected ${this.parameterCount} values, got ${flat.length}`);
    }
    let offset = 0;
    for (const layer of this.layers) {
      const [rows, columns] = layer.kernel.shape;
      const kernel = flat.subarray(offset, offset + rows * columns);
      tf.tidy(() => layer.kernel.assign(tf.tensor2d(kernel, [rows, columns])));
      offset += rows * columns;
      tf.tidy(() => layer.bias.assign(tf.tensor1d(flat.subarray(offset, offset + columns))));
      offset += columns;
      if (!forBackward) continue;
      // Transposing here in JavaScript is cheaper than wasm's Transpose kernel, and spares one per backward.
      const transposed = new Float32Array(rows * columns);
      for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) transposed[c * rows + r] = kernel[r * columns + c];
      layer.transposed?.dispose();
      layer.transposed = tf.tensor2d(transposed, [columns, rows]);
      layer.transposedOf = layer.kernel.dataId;
    }
  }

  private ones: tf.Tensor2D | null = null;

  private onesRow(size: number): tf.Tensor2D {
    if (this.ones?.shape[1] !== size) {
      this.ones?.dispose();
      this.ones = tf.keep(tf.ones([1, size]) as tf.Tensor2D);
    }
    return this.ones as tf.Tensor2D;
  }

  private transposedKernel(layer: Layer): tf.Tensor2D {
    if (layer.transposedOf !== layer.kernel.dataId || !layer.transposed) {
      layer.transposed?.dispose();
      layer.transposed = tf.keep(tf.transpose(layer.kernel));
      layer.transposedOf = layer.kernel.dataId;
    }
    return layer.transposed;
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
    for (const layer of this.layers) layer.transposed?.dispose();
    this.ones?.dispose();
  }
}
