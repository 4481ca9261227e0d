/**
 * The flat arrays behind a vector environment, allocated over SharedArrayBuffer when workers share them or
 * plain ArrayBuffer in one thread. Env i owns rows i of every array.
 */
export interface VecBuffers {
  readonly obs: Float32Array; // [N * obsDim]
  readonly actions: Float32Array; // [N * actDim], where a WorkerVecEnv puts step()'s actions for its workers
  readonly rewards: Float32Array; // [N]
  readonly terminated: Uint8Array; // [N]
  readonly truncated: Uint8Array; // [N]
  readonly finalObs: Float32Array; // [N * obsDim], valid where terminated or truncated
  /** Return and length of the episode that just ended, valid where terminated or truncated. */
  readonly finishedReturns: Float64Array; // [N]
  readonly finishedLengths: Int32Array; // [N]
  /** Return and length so far of each env's running episode. */
  readonly episodeReturns: Float64Array; // [N]
  readonly episodeLengths: Int32Array; // [N]
  /** This step's reward terms, env-major: rewardTerms[i * T + t] for term t of rewardTermNames. */
  readonly rewardTerms: Float32Array; // [N * T]
  /** 1 where this step ended the env's episode because the physics blew up. */
  readonly physicsBlowUp: Uint8Array; // [N]
  /** Pose board: 7 floats (x, y, z, qx, qy, qz, qw) per body per env, written every step. */
  readonly poses: Float32Array; // [N * bodyCount * 7]
}

export interface VecLayout {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly termCount: number;
  readonly bodyCount: number;
}

type BufferName = keyof VecBuffers;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

function specs(layout: VecLayout): [BufferName, Ctor, number][] {
  const { numEnvs: n, observationSize: o, actionSize: a, termCount: t, bodyCount: b } = layout;
  return [
    ['obs', Float32Array, n * o],
    ['actions', Float32Array, n * a],
    ['rewards', Float32Array, n],
    ['terminated', Uint8Array, n],
    ['truncated', Uint8Array, n],
    ['finalObs', Float32Array, n * o],
    ['finishedReturns', Float64Array, n],
    ['finishedLengths', Int32Array, n],
    ['episodeReturns', Float64Array, n],
    ['episodeLengths', Int32Array, n],
    ['rewardTerms', Float32Array, n * t],
    ['physicsBlowUp', Uint8Array, n],
    ['poses', Float32Array, n * b * 7],
  ];
}

/** Raw memory of a VecBuffers, transferable to workers (structured clone shares a SharedArrayBuffer). */
export type VecMemory = Record<BufferName, ArrayBufferLike>;

export function allocateVecMemory(layout: VecLayout, shared: boolean): VecMemory {
  const memory = {} as Record<BufferName, ArrayBufferLike>;
  for (const [name, ctor, length] of specs(layout)) {
    const bytes = Math.max(1, length) * ctor.BYTES_PER_ELEMENT;
    memory[name] = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
  return memory;
}

export function viewVecMemory(layout: VecLayout, memory: VecMemory): VecBuffers {
  const views = {} as Record<BufferName, unknown>;
  // A SharedArrayBuffer serves where the typings ask for an ArrayBuffer.
  for (const [name, ctor, length] of specs(layout)) views[name] = new ctor(memory[name] as ArrayBuffer, 0, length);
  return views as VecBuffers;
}
