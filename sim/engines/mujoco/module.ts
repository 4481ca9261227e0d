/**
 * The official MuJoCo WebAssembly build (npm mujoco-js, MuJoCo 3.3.8), loaded on first use only: the module is
 * about 11 MB, so nothing imports it statically. One instance per thread; each model file is compiled by MuJoCo
 * once per thread and shared by every robot of that model (each robot has its own MjData).
 *
 * mujoco-js's own typings give its arrays as `any`; MujocoModule below names the part we use with real types.
 * Arrays read from MjModel/MjData are Float64Array views into the wasm memory: each read makes a new view, and a
 * view goes stale (length 0) when the memory grows, so callers keep views and renew them when they go stale.
 */

export interface MjModelHandle {
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  readonly nbody: number;
  readonly nsite: number;
  readonly body_mass: Float64Array;
  readonly body_inertia: Float64Array;
  readonly qpos0: Float64Array;
  delete(): void;
}

export interface MjDataHandle {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly ctrl: Float64Array;
  readonly qacc_warmstart: Float64Array;
  readonly xpos: Float64Array;
  readonly xquat: Float64Array;
  readonly site_xpos: Float64Array;
  readonly cfrc_ext: Float64Array;
  readonly qfrc_constraint: Float64Array;
  readonly ncon: number;
  /** MuJoCo's warning counters (mjtWarning order): each read of this property and each get() is a copy to delete. */
  readonly warning: { get(index: number): { readonly number: number; delete(): void } | undefined; delete(): void };
  time: number;
  delete(): void;
}

export interface MujocoModule {
  readonly FS: { mkdir(path: string): void; writeFile(path: string, data: string): void; unlink(path: string): void };
  readonly MjModel: { loadFromXML(path: string): MjModelHandle };
  readonly MjData: new (model: MjModelHandle) => MjDataHandle;
  mj_step(model: MjModelHandle, data: MjDataHandle): void;
  mj_forward(model: MjModelHandle, data: MjDataHandle): void;
  mj_resetData(model: MjModelHandle, data: MjDataHandle): void;
  mj_rnePostConstraint(model: MjModelHandle, data: MjDataHandle): void;
}

let loading: Promise<MujocoModule> | null = null;
const models = new Map<string, MjModelHandle>();

/** The thread's MuJoCo instance, loaded (once) on first call. */
export function loadMujoco(): Promise<MujocoModule> {
  loading ??= (async () => {
    const { default: factory } = await import('mujoco-js');
    // The package types its bindings loosely (any); MujocoModule is the typed subset this engine uses.
    const mujoco = (await factory()) as unknown as MujocoModule;
    mujoco.FS.mkdir('/sinew');
    return mujoco;
  })();
  return loading;
}

/**
 * MuJoCo's compiled model of `xml` (named `file`), compiled once per thread.
 */
export function mujocoModel(mujoco: MujocoModule, file: string, xml: string): MjModelHandle {
  let model = models.get(file);
  if (model === undefined) {
    if (!/^[\w.-]+$/.test(file)) throw new Error(`mujoco: bad model file name '${file}'`);
    const path = `/sinew/${file}`;
    mujoco.FS.writeFile(path, xml);
    try {
      model = mujoco.MjModel.loadFromXML(path);
    } catch (error) {
      // mujoco-js reports compiler errors on the console and throws without a message of its own.
      const detail = error instanceof Error ? `: ${error.message}` : '';
      throw new Error(`mujoco: MuJoCo's compiler refused ${file}${detail}`);
    } finally {
      mujoco.FS.unlink(path);
    }
    models.set(file, model);
  }
  return model;
}
