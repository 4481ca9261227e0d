import { HeapSpace, type HeapMatrix } from './heap-gemm.ts';
import type { Activation, DenseLayerSnapshot } from '../policy.ts';
import type { MlpSpec } from './mlp.ts';

/**
 * A multilayer perceptron for the off-policy learners, on matrices in the wasm heap (heap-gemm.ts). Its
 * parameters are one heap block in the flat layout (per layer the kernel row-major, then the bias), which Adam
 * and Polyak averaging update in place (heap-adam.ts, HeapSpace.polyak); each kernel's transpose, which the
 * backward pass multiplies by, is refreshed by updateTransposes().
 *
 * forward() keeps every layer's input and output (the trace of the last forward pass, one per network);
 * backward() propagates d loss / d output through that trace: dz = dy * act'(y) (relu' = [y > 0],
 * tanh' = 1 - y^2), dK = x^T dz, db = sum over rows of dz, dx = dz K^T. The products run in gemm.wat
 * (heap-gemm.ts): [dK; db] as one product of x^T read in place, written straight into the gradient block (the
 * same flat layout), and a relu layer's dz as the product dx of the layer above masked by its output. Only the
 * output layer's dz (rows x outputs) is computed in JavaScript.
 */

interface HeapLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: Activation;
  /** Where the layer starts in the flat parameters (its kernel, then its bias). */
  readonly start: number;
  readonly kernel: HeapMatrix;
  readonly bias: HeapMatrix;
  /** K^T, for dx = dz K^T. */
  readonly kernelT: HeapMatrix;
}

/** Per-layer buffers of a batch size: activations, and the backward pass's scratch. */
interface LayerBuffers {
  readonly output: HeapMatrix;
  readonly dz: HeapMatrix;
  /** dx = dz K^T where it is wanted as such: into a layer below that is not relu, or out of the first layer. */
  readonly inputGradient: HeapMatrix;
}

export class HeapMlp {
  readonly spec: MlpSpec;
  readonly parameterCount: number;
  /** The parameters in the flat layout: the layers' kernels and biases are parts of it. */
  readonly parameterBlock: HeapMatrix;
  private readonly space: HeapSpace;
  private readonly layers: HeapLayer[];
  /** The parameter gradient of the last backward pass that asked for one, and its layers' [dK; db] parts (allocated then). */
  private gradient: { block: HeapMatrix; layers: HeapMatrix[] } | null = null;
  private buffers: { rows: number; input: HeapMatrix; layers: LayerBuffers[] } | null = null;
  private traceRows = 0;

  constructor(spec: MlpSpec, space: HeapSpace) {
    this.spec = spec;
    this.space = space;
    const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
    this.parameterCount = sizes.slice(1).reduce((n, columns, i) => n + (sizes[i] + 1) * columns, 0);
    this.parameterBlock = space.matrix(1, this.parameterCount);
    this.layers = [];
    let start = 0;
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [rows, columns] = [sizes[i], sizes[i + 1]];
      const isOutput = i + 2 === sizes.length;
      this.layers.push({
        inputSize: rows,
        outputSize: columns,
        activation: isOutput ? (spec.outputActivation ?? 'linear') : (spec.hiddenActivation ?? 'relu'),
        start,
        kernel: space.part(this.parameterBlock, start, rows, columns),
        bias: space.part(this.parameterBlock, start + rows * columns, 1, columns),
        kernelT: space.matrix(columns, rows),
      });
      start += (rows + 1) * columns;
    }
  }

  /** The parameters (a heap view: valid until the memory grows; take it anew each time). */
  get parameters(): Float32Array {
    return this.parameterBlock.values;
  }

  /** The parameter gradient of the last backward pass that asked for one (a heap view, as `parameters`). */
  get parameterGradient(): Float32Array {
    return this.gradientMatrix.values;
  }

  /** The same as a heap matrix, for Adam (allocated on first use). */
  get gradientMatrix(): HeapMatrix {
    return this.gradientParts().block;
  }

  private gradientParts(): { block: HeapMatrix; layers: HeapMatrix[] } {
    if (!this.gradient) {
      const block = this.space.matrix(1, this.parameterCount);
      this.gradient = { block, layers: this.layers.map((l) => this.space.part(block, l.start, l.inputSize + 1, l.outputSize)) };
    }
    return this.gradient;
  }

  /**
   * Copies parameters (per layer the kernel row-major, then the bias) into the heap. With `forBackward` (the
   * default) the transposed kernels backward() needs are written too; target networks only run forward.
   */
  setParameters(flat: Float32Array, forBackward = true): void {
    if (flat.length !== this.parameterCount) throw new Error(`HeapMlp.setParameters: expected ${this.parameterCount} values, got ${flat.length}`);
    this.parameters.set(flat);
    if (forBackward) this.updateTransposes();
  }

  /** Polyak averaging towards `source`'s parameters: these <- tau source + (1 - tau) these (forward only after). */
  averageTowards(source: HeapMlp, tau: number): void {
    this.space.polyak(this.parameterBlock, source.parameterBlock, tau);
  }

  /** Writes the kernels' transposes after the parameters changed in place (an Adam step). */
  updateTransposes(): void {
    for (const layer of this.layers) this.space.transpose(layer.kernel, layer.kernelT);
  }

  /** The parameters as one flat array (a copy). */
  getParameters(): Float32Array {
    return Float32Array.from(this.parameters);
  }

  /** Forward pass of `rows` input rows (row-major), kept as the trace for backward(); returns the output rows (a heap view, valid until the next call). */
  forward(input: Float32Array, rows: number): Float32Array {
    const buffers = this.buffersFor(rows);
    if (input.length < rows * this.spec.inputSize)
      throw new Error(`HeapMlp.forward: ${input.length} inputs for ${rows} rows of ${this.spec.inputSize}`);
    buffers.input.values.set(input.subarray(0, rows * this.spec.inputSize));
    let x = buffers.input;
    this.layers.forEach((layer, i) => {
      const out = buffers.layers[i].output;
      this.space.matMul(x, layer.kernel, out, rows, layer.inputSize, layer.outputSize, layer.bias, layer.activation === 'relu');
      if (layer.activation === 'tanh') {
        const values = out.values;
        for (let j = 0; j < rows * layer.outputSize; j++) values[j] = Math.tanh(values[j]);
      }
      x = out;
    });
    this.traceRows = rows;
    return x.values.subarray(0, rows * this.spec.outputSize);
  }

  /**
   * Backpropagates d loss / d output (rows x outputSize, for the rows of the last forward pass). With
   * `wantParameters`, writes the parameter gradient into `parameterGradient` (layout of setParameters); returns
   * d loss / d input (a heap view, valid until the next call) when `wantInput`, else null.
   */
  backward(outputGradient: Float32Array, wantParameters: boolean, wantInput: boolean): Float32Array | null {
    const rows = this.traceRows;
    const buffers = this.buffers;
    if (!buffers || rows === 0) throw new Error('HeapMlp.backward: no forward pass to go back through');
    const top = this.layers.length - 1;
    const { activation, outputSize } = this.layers[top];
    activationGradient(activation, outputGradient, buffers.layers[top].output.values, rows * outputSize, buffers.layers[top].dz.values);
    for (let i = top; i >= 0; i--) {
      const layer = this.layers[i];
      const { inputSize: m, outputSize: n } = layer;
      const b = buffers.layers[i];
      const x = i === 0 ? buffers.input : buffers.layers[i - 1].output;
      if (wantParameters) {
        // [dK; db] = [x^T; 1^T] dz in one call: the kernel gradient followed by the bias gradient, the flat layout itself.
        this.space.matMulTransposedA(x, b.dz, this.gradientParts().layers[i], m, rows, n, true);
      }
      if (i === 0) {
        if (!wantInput) return null;
        this.space.matMul(b.dz, layer.kernelT, b.inputGradient, rows, n, m, null, false);
        return b.inputGradient.values.subarray(0, rows * m);
      }
      const below = buffers.layers[i - 1];
      const belowActivation = this.layers[i - 1].activation;
      // The layer below's dz: dx masked by its output where it is relu (in the product), else dx then act' here.
      if (belowActivation === 'relu') this.space.matMul(b.dz, layer.kernelT, below.dz, rows, n, m, null, false, below.output);
      else {
        this.space.matMul(b.dz, layer.kernelT, b.inputGradient, rows, n, m, null, false);
        activationGradient(belowActivation, b.inputGradient.values, below.output.values, rows * m, below.dz.values);
      }
    }
    return null;
  }

  /** The layers as plain numbers, for a PolicySnapshot. */
  snapshot(): DenseLayerSnapshot[] {
    return this.layers.map((layer) => ({
      inputSize: layer.inputSize,
      outputSize: layer.outputSize,
      kernel: Float32Array.from(layer.kernel.values),
      bias: Float32Array.from(layer.bias.values),
      activation: layer.activation,
    }));
  }

  dispose(): void {
    this.freeBuffers();
    for (const layer of this.layers) this.space.free(layer.kernelT);
    this.space.free(this.parameterBlock);
    if (this.gradient) this.space.free(this.gradient.block);
  }

  /** Buffers for at least `rows` rows (kept while batches fit; grown when a larger one comes). */
  private buffersFor(rows: number): { rows: number; input: HeapMatrix; layers: LayerBuffers[] } {
    if (this.buffers && this.buffers.rows >= rows) return this.buffers;
    this.freeBuffers();
    const space = this.space;
    this.buffers = {
      rows,
      input: space.matrix(rows, this.spec.inputSize),
      layers: this.layers.map(({ inputSize: m, outputSize: n }) => ({
        output: space.matrix(rows, n),
        dz: space.matrix(rows, n),
        inputGradient: space.matrix(rows, m),
      })),
    };
    return this.buffers;
  }

  private freeBuffers(): void {
    if (!this.buffers) return;
    this.space.free(this.buffers.input);
    for (const b of this.buffers.layers) for (const m of [b.output, b.dz, b.inputGradient]) this.space.free(m);
    this.buffers = null;
  }
}

/** dz = dy * act'(y), from the activation's output y. */
function activationGradient(activation: Activation, dy: Float32Array, y: Float32Array, size: number, dz: Float32Array): void {
  switch (activation) {
    case 'relu':
      for (let i = 0; i < size; i++) dz[i] = y[i] > 0 ? dy[i] : 0;
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case 'linear':
      dz.set(dy.subarray(0, size));
  }
}
