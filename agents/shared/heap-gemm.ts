import { tf } from './tf.ts';

/**
 * Matrices that live in tfjs-backend-wasm's heap and its XNNPACK matrix product, called directly: no tensor
 * objects, no tidy, no copies between JavaScript and wasm other than the ones the caller writes. Why: a full
 * TD3 update is 14 products of 256x256x256 plus small work; through tf.* each product also created tensors,
 * transposed with wasm's slow Transpose kernel and copied its result out, a third of the update's time.
 *
 * How it stays correct: XNNPACK packs the right operand (and bias) into its own layout when it first sees a
 * tensor id, and reuses that packing while the id lives. A matrix whose values changed since it was last a right
 * operand is therefore re-registered under the same id first (tfjs's dispose_data frees no memory; it only drops
 * the packed operator). Every write goes through `values`, which marks the matrix changed.
 *
 * On another backend (cpu fallback) the same matrices live in plain arrays and the product runs in JavaScript.
 */

/** What this file uses of the wasm backend object (tfjs-backend-wasm/dist/backend_wasm.js; not in its typings). */
interface WasmModule {
  _malloc(bytes: number): number;
  _free(offset: number): void;
  HEAPF32: Float32Array;
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

interface WasmBackendObject {
  wasm: WasmModule;
  dataIdNextNumber: number;
}

/** tfjs-backend-wasm's FusableActivation codes (kernels/types.ts). */
const LINEAR = 0;
const RELU = 1;

export class HeapMatrix {
  readonly rows: number;
  readonly columns: number;
  /** The backend's tensor id (0 on the JavaScript fallback). */
  readonly id: number;
  private readonly offset: number;
  private readonly space: HeapSpace;
  private view: Float32Array;
  /** Changed since XNNPACK last packed it as a right operand. */
  changed = true;
  /** The shape XNNPACK last packed it as, k * 2^16 + n. */
  packedShape = -1;

  constructor(space: HeapSpace, rows: number, columns: number, id: number, offset: number, view: Float32Array) {
    this.space = space;
    this.rows = rows;
    this.columns = columns;
    this.id = id;
    this.offset = offset;
    this.view = view;
  }

  /** The values, row-major, for reading and writing (marks the matrix changed). */
  get values(): Float32Array {
    this.changed = true;
    return this.read;
  }

  /** The values for reading only. */
  get read(): Float32Array {
    // A wasm memory that grew has a new buffer: views into the old one are empty.
    if (this.view.length === 0 && this.rows * this.columns > 0) this.view = this.space.viewOf(this.offset, this.rows * this.columns);
    return this.view;
  }

  /** Where the matrix starts in the heap (bytes). */
  get heapOffset(): number {
    return this.offset;
  }
}

export class HeapSpace {
  private readonly backend: WasmBackendObject | null;
  private readonly fusedMatMul: ((...args: unknown[]) => void) | null;
  private readonly live = new Set<HeapMatrix>();
  private readonly shapeA = new Int32Array(3);
  private readonly shapeB = new Int32Array(3);
  private readonly bytesA = new Uint8Array(this.shapeA.buffer);
  private readonly bytesB = new Uint8Array(this.shapeB.buffer);

  constructor() {
    const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmBackendObject) : null;
    this.backend = backend;
    this.fusedMatMul = backend
      ? backend.wasm.cwrap('_FusedMatMul', null, [
          'number',
          'array',
          'number',
          'number',
          'array',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
        ])
      : null;
  }

  /** Matrices allocated and not yet freed. */
  get liveMatrices(): number {
    return this.live.size;
  }

  /** True when products run in XNNPACK (wasm backend), false on the JavaScript fallback. */
  get native(): boolean {
    return this.backend !== null;
  }

  matrix(rows: number, columns: number): HeapMatrix {
    const size = rows * columns;
    let matrix: HeapMatrix;
    if (this.backend) {
      const { wasm } = this.backend;
      const offset = wasm._malloc(Math.max(4, size * 4)) >>> 0;
      // Ids come from the backend's own counter, so they never collide with its tensors'.
      const id = this.backend.dataIdNextNumber++;
      wasm.tfjs.registerTensor(id, size, offset);
      matrix = new HeapMatrix(this, rows, columns, id, offset, this.viewOf(offset, size));
      matrix.values.fill(0);
    } else {
      matrix = new HeapMatrix(this, rows, columns, 0, 0, new Float32Array(size));
    }
    this.live.add(matrix);
    return matrix;
  }

  viewOf(offset: number, size: number): Float32Array {
    if (!this.backend) throw new Error('HeapSpace: no wasm heap');
    return new Float32Array(this.backend.wasm.HEAPF32.buffer, offset, size);
  }

  /**
   * out = act(a b + bias) with a [m, k], b [k, n], out [m, n] held compactly at the start of their matrices
   * (a batch may use fewer rows than a matrix holds), bias [n] or null; act is relu or linear.
   */
  matMul(a: HeapMatrix, b: HeapMatrix, out: HeapMatrix, m: number, k: number, n: number, bias: HeapMatrix | null, relu: boolean): void {
    const size = (x: HeapMatrix) => x.rows * x.columns;
    if (m * k > size(a) || k * n > size(b) || m * n > size(out) || (bias && size(bias) !== n)) {
      throw new Error(`HeapSpace.matMul: [${m}x${k}] x [${k}x${n}] does not fit matrices of ${size(a)}, ${size(b)}, ${size(out)} values`);
    }
    if (!this.backend || !this.fusedMatMul) {
      hostMatMul(a.read, b.read, out.values, m, k, n, bias?.read ?? null, relu);
      return;
    }
    this.repack(b, k * 0x10000 + n);
    if (bias) this.repack(bias, n);
    this.shapeA[0] = 1;
    this.shapeA[1] = m;
    this.shapeA[2] = k;
    this.shapeB[0] = 1;
    this.shapeB[1] = k;
    this.shapeB[2] = n;
    this.fusedMatMul(a.id, this.bytesA, 3, b.id, this.bytesB, 3, 0, 0, relu ? RELU : LINEAR, bias ? bias.id : 0, 0, 0, out.id);
    out.changed = true;
  }

  /** Drops XNNPACK's packed copy of a matrix that changed (same id, same memory). */
  private repack(matrix: HeapMatrix, shape: number): void {
    if ((!matrix.changed && matrix.packedShape === shape) || !this.backend) return;
    matrix.packedShape = shape;
    const { tfjs } = this.backend.wasm;
    tfjs.disposeData(matrix.id);
    tfjs.registerTensor(matrix.id, matrix.rows * matrix.columns, matrix.heapOffset);
    matrix.changed = false;
  }

  free(matrix: HeapMatrix): void {
    if (!this.live.delete(matrix)) return;
    if (!this.backend) return;
    this.backend.wasm.tfjs.disposeData(matrix.id);
    this.backend.wasm._free(matrix.heapOffset);
  }

  dispose(): void {
    for (const matrix of [...this.live]) this.free(matrix);
  }
}

/** The same product in plain JavaScript (the fallback, and a reference for tests). */
export function hostMatMul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  rows: number,
  k: number,
  n: number,
  bias: Float32Array | null,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * n, (r + 1) * n);
    if (bias) row.set(bias.subarray(0, n));
    else row.fill(0);
    for (let i = 0; i < k; i++) {
      const x = a[r * k + i];
      if (x === 0) continue;
      const bRow = i * n;
      for (let j = 0; j < n; j++) row[j] += x * b[bRow + j];
    }
    if (relu) for (let j = 0; j < n; j++) row[j] = Math.max(0, row[j]);
  }
}
