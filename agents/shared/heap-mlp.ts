import { HeapSpace, type HeapMatrix } from './heap-gemm.ts';
import type { Activation, DenseLayerSnapshot } from '../policy.ts';
import type { MlpSpec } from './mlp.ts';

/**
 * A multilayer perceptron for the off-policy learners, on matrices in the wasm heap (heap-gemm.ts). The master
 * copy of the parameters is a host Float32Array (Adam and Polyak work there); setParameters copies it into the
 * heap together with each kernel's transpose, which the backward pass multiplies by.
 *
 * forward() keeps every layer's input and output (the trace of the last forward pass, one per network);
 * backward() propagates d loss / d output through that trace: dz = dy * act'(y) (relu' = [y > 0],
 * tanh' = 1 - y^2), dK = x^T dz, db = sum over rows of dz, dx = dz K^T. The products run in gemm.wat
 * (heap-gemm.ts), [dK; db] as one product of x^T read in place; the element-wise work runs in JavaScript on views
 * of the heap.
 */

interface HeapLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: Activation;
  readonly kernel: HeapMatrix;
  readonly bias: HeapMatrix;
  /** K^T, for dx = dz K^T. */
  readonly kernelT: HeapMatrix;
}

/** Per-layer buffers of a batch size: activations, and the backward pass's scratch. */
interface LayerBuffers {
  readonly output: HeapMatrix;
  readonly dz: HeapMatrix;
  /** [dK; db], the layer's parameter gradient in the flat layout. */
  readonly kernelGradient: HeapMatrix;
  /** dx = dz K^T (also the incoming dy of the layer below). */
  readonly inputGradient: HeapMatrix;
}

export class HeapMlp {
  readonly spec: MlpSpec;
  readonly parameterCount: number;
  private readonly space: HeapSpace;
  private readonly layers: HeapLayer[];
  private buffers: { rows: number; input: HeapMatrix; layers: LayerBuffers[] } | null = null;
  private traceRows = 0;

  constructor(spec: MlpSpec, space: HeapSpace) {
    this.spec = spec;
    this.space = space;
    const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const isOutput = i + 2 === sizes.length;
      this.layers.push({
        inputSize: sizes[i],
        outputSize: sizes[i + 1],
        activation: isOutput ? (spec.outputActivation ?? 'linear') : (spec.hiddenActivation ?? 'relu'),
        kernel: space.matrix(sizes[i], sizes[i + 1]),
        bias: space.matrix(1, sizes[i + 1]),
        kernelT: space.matrix(sizes[i + 1], sizes[i]),
      });
    }
    this.parameterCount = this.layers.reduce((n, l) => n + l.inputSize * l.outputSize + l.outputSize, 0);
  }

  /**
   * Copies parameters (per layer the kernel row-major, then the bias) into the heap. With `forBackward` (the
   * default) the transposed kernels backward() needs are written too; target networks only run forward.
   */
  setParameters(flat: Float32Array, forBackward = true): void {
    if (flat.length !== this.parameterCount) throw new Error(`HeapMlp.setParameters: expected ${this.parameterCount} values, got ${flat.length}`);
    let offset = 0;
    for (const layer of this.layers) {
      const { inputSize: rows, outputSize: columns } = layer;
      const kernel = flat.subarray(offset, offset + rows * columns);
      layer.kernel.values.set(kernel);
      if (forBackward) transpose(kernel, rows, columns, layer.kernelT.values);
      offset += rows * columns;
      layer.bias.values.set(flat.subarray(offset, offset + columns));
      offset += columns;
    }
  }

  /** The parameters as one flat array (layout of setParameters). */
  getParameters(): Float32Array {
    const flat = new Float32Array(this.parameterCount);
    let offset = 0;
    for (const layer of this.layers) {
      flat.set(layer.kernel.values, offset);
      offset += layer.kernel.values.length;
      flat.set(layer.bias.values, offset);
      offset += layer.bias.values.length;
    }
    return flat;
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
   * Backpropagates d loss / d output (rows x outputSize, for the rows of the last forward pass). Writes the
   * parameter gradient into `parameterGradient` (layout of setParameters) when given; returns d loss / d input
   * (a heap view, valid until the next call) when `wantInput`, else null.
   */
  backward(outputGradient: Float32Array, parameterGradient: Float32Array | null, wantInput: boolean): Float32Array | null {
    const rows = this.traceRows;
    const buffers = this.buffers;
    if (!buffers || rows === 0) throw new Error('HeapMlp.backward: no forward pass to go back through');
    if (parameterGradient && parameterGradient.length !== this.parameterCount) {
      throw new Error(`HeapMlp.backward: the gradient array holds ${parameterGradient.length} values, not ${this.parameterCount}`);
    }
    let offset = this.parameterCount;
    let dy = outputGradient;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const { inputSize: m, outputSize: n } = layer;
      const b = buffers.layers[i];
      const x = i === 0 ? buffers.input : buffers.layers[i - 1].output;
      const dz = b.dz.values;
      activationGradient(layer.activation, dy, b.output.values, rows * n, dz);
      offset -= m * n + n;
      if (parameterGradient) {
        // [dK; db] = [x^T; 1^T] dz in one call: the kernel gradient followed by the bias gradient, the flat layout itself.
        this.space.matMulTransposedA(x, b.dz, b.kernelGradient, m, rows, n, true);
        parameterGradient.set(b.kernelGradient.values.subarray(0, (m + 1) * n), offset);
      }
      if (i > 0 || wantInput) {
        this.space.matMul(b.dz, layer.kernelT, b.inputGradient, rows, n, m, null, false);
        dy = b.inputGradient.values.subarray(0, rows * m);
      }
    }
    return wantInput ? dy : null;
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
    for (const layer of this.layers) for (const m of [layer.kernel, layer.bias, layer.kernelT]) this.space.free(m);
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
        kernelGradient: space.matrix(m + 1, n),
        inputGradient: space.matrix(rows, m),
      })),
    };
    return this.buffers;
  }

  private freeBuffers(): void {
    if (!this.buffers) return;
    this.space.free(this.buffers.input);
    for (const b of this.buffers.layers) for (const m of [b.output, b.dz, b.kernelGradient, b.inputGradient]) this.space.free(m);
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

/** out (columns x rows) = the transpose of a (rows x columns), both row-major. */
export function transpose(a: Float32Array, rows: number, columns: number, out: Float32Array): void {
  // In tiles, so that reads and writes both stay within a few cache lines.
  const tile = 16;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const rEnd = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < columns; c0 += tile) {
      const cEnd = Math.min(columns, c0 + tile);
      for (let r = r0; r < rEnd; r++) {
        const row = r * columns;
        for (let c = c0; c < cEnd; c++) out[c * rows + r] = a[row + c];
      }
    }
  }
}
