import { GemmSplitter, type GemmArgs, type WasmMemory } from './gemm-helper.ts';
import { instantiateGemm } from './gemm-module.ts';
import type { AdamScalars } from './flat-adam.ts';

/**
 * Matrices that live in the memory of our own wasm SIMD matrix product (gemm.wat, embedded as gemm-wasm.ts), and
 * the products the off-policy learners need: A B (+ bias, relu) and A^T B (+ the column sums of B), read in
 * place. Why not tfjs: its wasm backend hands products to XNNPACK, which re-packs a right operand that changed
 * before multiplying, and a learner's right operands (weights, activations, gradients) change at every step: the
 * packing alone cost about 1.8 ms of the ~2 ms of each 256x256x256 product. Our kernel reads the operands as they
 * lie, with strides, so A^T B needs no transpose either.
 *
 * Each HeapSpace is one instance of the module with its own memory; matrices are blocks of it, reused by size
 * when freed. A memory that grows gets a new buffer, and views into the old one go empty (see HeapMatrix.values;
 * a shared memory's old views stay valid, over the same bytes). In a thread that installed a helper (gemm-module.ts
 * useGemmHelper: the learner threads), the memory is shared with a helper thread that takes half of each large
 * product (gemm-helper.ts).
 */

interface GemmExports {
  /** gemm.wat's product; see there for its parameters. */
  gemm(...args: GemmArgs): void;
  /** gemm.wat's Adam step; returns 0, or NaN when a parameter or a moment is not finite. */
  adam(p: number, g: number, m: number, v: number, count: number, beta1: number, beta2: number, stepSize: number, epsilonHat: number): number;
  polyak(target: number, source: number, count: number, tau: number): void;
  transpose(a: number, rows: number, columns: number, out: number): void;
}

/** Where gemm.wat keeps the constant 1.0 (the "A" of column sums), and where allocations start. */
const ONE_ADDRESS = 16;
const FIRST_BLOCK = 32;
const PAGE_BYTES = 65536;

export class HeapMatrix {
  readonly rows: number;
  readonly columns: number;
  /** False for a part() of another matrix, which has no zero padding of its own. */
  readonly wholeBlock: boolean;
  private readonly offset: number;
  private readonly space: HeapSpace;
  private view: Float32Array;

  constructor(space: HeapSpace, rows: number, columns: number, offset: number, wholeBlock = true) {
    this.space = space;
    this.wholeBlock = wholeBlock;
    this.rows = rows;
    this.columns = columns;
    this.offset = offset;
    this.view = space.viewOf(offset, rows * columns);
  }

  /** The values, row-major, for reading and writing (a view: valid until the memory grows; take it anew each time). */
  get values(): Float32Array {
    // A wasm memory that grew has a new buffer: views into the old one are empty.
    if (this.view.length === 0 && this.rows * this.columns > 0) this.view = this.space.viewOf(this.offset, this.rows * this.columns);
    return this.view;
  }

  /** Where the matrix starts in the module's memory (bytes). */
  get heapOffset(): number {
    return this.offset;
  }
}

export class HeapSpace {
  private readonly kernel: GemmExports;
  private readonly live = new Set<HeapMatrix>();
  /** Freed blocks by size in bytes, for reuse. */
  private readonly freeBlocks = new Map<number, number[]>();
  private end = FIRST_BLOCK;
  private readonly memory: WasmMemory;
  /** The helper thread's hand-over, when this thread installed one and memory can be shared. */
  private readonly splitter: GemmSplitter | null;

  constructor() {
    const instance = instantiateGemm();
    this.memory = instance.memory;
    this.kernel = instance.exports as GemmExports;
    this.splitter = instance.helper ? new GemmSplitter(instance.memory, instance.module, instance.helper) : null;
  }

  /** Whether large products are shared with a helper thread (for benchmarks' records). */
  get hasHelper(): boolean {
    return this.splitter !== null;
  }

  /** Whether that helper thread is up (before, this thread computes every product whole, to the same bits). */
  get helperReady(): boolean {
    return this.splitter?.ready ?? false;
  }

  /** Matrices allocated and not yet freed. */
  get liveMatrices(): number {
    return this.live.size;
  }

  matrix(rows: number, columns: number): HeapMatrix {
    if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 0) {
      throw new Error(`HeapSpace.matrix: ${rows} x ${columns} is not a matrix shape`);
    }
    const bytes = blockBytes(rows * columns);
    let offset = this.freeBlocks.get(bytes)?.pop();
    if (offset === undefined) {
      offset = this.end;
      this.end += bytes;
      const memory = this.memory;
      if (this.end > memory.buffer.byteLength) {
        const pages = Math.ceil((this.end - memory.buffer.byteLength) / PAGE_BYTES);
        try {
          memory.grow(pages);
        } catch {
          throw new Error(
            `HeapSpace: the learner's networks and batches need ${Math.ceil(this.end / 2 ** 20)} MiB, more than its wasm memory can hold`,
          );
        }
      }
    }
    const matrix = new HeapMatrix(this, rows, columns, offset);
    // The padding up to 16 bytes too: adam and polyak run over it (see there), and zeros stay zeros.
    this.viewOf(offset, bytes / 4).fill(0);
    this.live.add(matrix);
    return matrix;
  }

  /** A matrix inside `parent` from float `start` on (a layer's kernel in a network's parameters): not freed by itself. */
  part(parent: HeapMatrix, start: number, rows: number, columns: number): HeapMatrix {
    if (!Number.isInteger(start) || start < 0 || start + rows * columns > size(parent)) {
      throw new Error(`HeapSpace.part: ${rows} x ${columns} from ${start} does not fit in ${size(parent)} values`);
    }
    return new HeapMatrix(this, rows, columns, parent.heapOffset + start * 4, false);
  }

  viewOf(offset: number, size: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, size);
  }

  /**
   * out = act(a b + bias) with a [m, k], b [k, n], out [m, n] held compactly at the start of their matrices
   * (a batch may use fewer rows than a matrix holds), bias [n] or null; act is relu or linear. With `mask`
   * ([m, n] too), out is zeroed where mask <= 0: relu's gradient dy * [y > 0] with y the mask.
   */
  matMul(
    a: HeapMatrix,
    b: HeapMatrix,
    out: HeapMatrix,
    m: number,
    k: number,
    n: number,
    bias: HeapMatrix | null,
    relu: boolean,
    mask: HeapMatrix | null = null,
  ): void {
    checkFits('matMul', [a, m * k], [b, k * n], [out, m * n], ...(mask ? [[mask, m * n] as [HeapMatrix, number]] : []));
    if (bias && size(bias) !== n) throw new Error(`HeapSpace.matMul: a bias of ${size(bias)} values for ${n} columns`);
    const maskAt = mask ? mask.heapOffset : 0;
    this.gemm([a.heapOffset, k, 1, b.heapOffset, n, out.heapOffset, n, bias ? bias.heapOffset : 0, m, k, n, relu ? 1 : 0, maskAt]);
  }

  /**
   * out = a^T b with a [k, m] and b [k, n] (k rows of a batch each), out [m, n]; with `columnSums`, out holds
   * one more row, the sums of b's columns (= 1^T b). For a layer, [x^T; 1^T] dz is its kernel gradient followed
   * by its bias gradient.
   */
  matMulTransposedA(a: HeapMatrix, b: HeapMatrix, out: HeapMatrix, m: number, k: number, n: number, columnSums: boolean): void {
    checkFits('matMulTransposedA', [a, k * m], [b, k * n], [out, (columnSums ? m + 1 : m) * n]);
    // A single column (a critic's output layer) as the row b^T a instead: 4 columns per vector, not one value.
    if (n === 1) this.gemm([b.heapOffset, 0, 1, a.heapOffset, m, out.heapOffset, m, 0, 1, k, m, 0, 0]);
    else this.gemm([a.heapOffset, 1, m, b.heapOffset, n, out.heapOffset, n, 0, m, k, n, 0, 0]);
    if (columnSums) this.gemm([ONE_ADDRESS, 0, 0, b.heapOffset, n, out.heapOffset + m * n * 4, n, 0, 1, k, n, 0, 0]);
  }

  /**
   * One Adam step over whole matrices of the same shape (params, gradient, moments), in gemm.wat; the step size
   * and epsilon with their bias corrections come from flat-adam.ts (adamScalars). Returns false when a
   * parameter or a moment is no longer finite.
   */
  adam(params: HeapMatrix, gradient: HeapMatrix, m: HeapMatrix, v: HeapMatrix, scalars: AdamScalars): boolean {
    checkSameSize('adam', params, gradient, m, v);
    const { beta1, beta2, stepSize, epsilonHat } = scalars;
    const check = this.kernel.adam(
      params.heapOffset,
      gradient.heapOffset,
      m.heapOffset,
      v.heapOffset,
      paddedSize(params),
      beta1,
      beta2,
      stepSize,
      epsilonHat,
    );
    return check === 0;
  }

  /** target <- tau source + (1 - tau) target over two matrices of the same shape. */
  polyak(target: HeapMatrix, source: HeapMatrix, tau: number): void {
    if (!(tau >= 0 && tau <= 1)) throw new Error(`HeapSpace.polyak: tau must be in [0, 1], got ${tau}`);
    checkSameSize('polyak', target, source);
    this.kernel.polyak(target.heapOffset, source.heapOffset, paddedSize(target), tau);
  }

  /** out (columns x rows) = the transpose of a (rows x columns). */
  transpose(a: HeapMatrix, out: HeapMatrix): void {
    if (out.rows !== a.columns || out.columns !== a.rows) {
      throw new Error(`HeapSpace.transpose: ${a.rows} x ${a.columns} does not transpose into ${out.rows} x ${out.columns}`);
    }
    this.kernel.transpose(a.heapOffset, a.rows, a.columns, out.heapOffset);
  }

  free(matrix: HeapMatrix): void {
    if (!this.live.delete(matrix)) return;
    const bytes = blockBytes(matrix.rows * matrix.columns);
    const blocks = this.freeBlocks.get(bytes);
    if (blocks) blocks.push(matrix.heapOffset);
    else this.freeBlocks.set(bytes, [matrix.heapOffset]);
  }

  /** Frees every matrix and stops the helper thread, if any. */
  dispose(): void {
    for (const matrix of [...this.live]) this.free(matrix);
    this.splitter?.dispose();
  }

  private gemm(args: GemmArgs): void {
    if (this.splitter) this.splitter.run(this.kernel.gemm, args);
    else this.kernel.gemm(...args);
  }
}

function size(matrix: HeapMatrix): number {
  return matrix.rows * matrix.columns;
}

/** Bytes of the block that holds `values` floats: whole 16-byte vectors. */
function blockBytes(values: number): number {
  return Math.max(16, Math.ceil((values * 4) / 16) * 16);
}

/**
 * The values adam and polyak run over: the matrix and its block's zero padding, in pairs. Only whole blocks
 * (from matrix()) have that padding: a part() of one is refused unless its size is even.
 */
function paddedSize(matrix: HeapMatrix): number {
  if (size(matrix) % 2 === 0) return size(matrix);
  if (!matrix.wholeBlock) throw new Error(`HeapSpace: a part of a matrix with an odd size (${size(matrix)}) has no padding to run over`);
  return size(matrix) + 1;
}

function checkSameSize(pass: string, ...matrices: HeapMatrix[]): void {
  if (matrices.some((matrix) => size(matrix) !== size(matrices[0]))) {
    throw new Error(`HeapSpace.${pass}: matrices of ${matrices.map(size).join(', ')} values, not one size`);
  }
}

function checkFits(product: string, ...operands: [HeapMatrix, number][]): void {
  if (operands.some(([matrix, needed]) => needed > size(matrix))) {
    const shapes = operands.map(([matrix, needed]) => `${needed} values in ${size(matrix)}`).join(', ');
    throw new Error(`HeapSpace.${product}: the operands do not fit their matrices (${shapes})`);
  }
}
