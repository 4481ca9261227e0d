import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMujocoPhysics } from '../sim/engines/mujoco/index.ts';
import { loadMujoco, mujocoModel } from '../sim/engines/mujoco/module.ts';
import { loadModel, modelText } from '../sim/model/index.ts';
import { robotInfo } from '../sim/registry.ts';
import { Rng } from '../sim/rng.ts';

/**
 * MuJoCo's own benchmark setting (`mujoco-testspeed model.xml N 1 0.1`: N physics steps from qpos0, control noise
 * of standard deviation 0.1 each step, no resets, one thread) run three ways in alternating rounds: our MuJoCo
 * engine (mujoco-js in this process, through EnginePhysics), a bare loop of control writes and mj_step calls on
 * the same wasm module (what the engine adds is the difference), and Debian's native mujoco-testspeed (MuJoCo
 * 2.2.2, libmujoco-samples) when it is installed. One JSON line each per robot with the medians over the rounds,
 * and on ours `vs_bare_wasm` and `vs_native`: the median ratios of rounds taken side by side.
 */

const NATIVE = '/usr/bin/mujoco-testspeed';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Native steps per second, from mujoco-testspeed's own report; null when it is not installed. */
function nativeRound(file: string, steps: number): number | null {
  let output: string;
  try {
    output = execFileSync(NATIVE, [file, String(steps), '1', '0.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const match = /Steps per second\s*:\s*([\d.]+)/.exec(output);
  if (!match) throw new Error(`${NATIVE}: no "Steps per second" in its output`);
  return Number(match[1]);
}

export async function testspeedBench(robot: string, steps: number, rounds: number): Promise<void> {
  const info = robotInfo(robot);
  const model = loadModel(info.modelFile);
  const file = fileURLToPath(new URL(`../assets/models/${info.modelFile}`, import.meta.url));
  const physics = await createMujocoPhysics(info.modelFile, model, { frameSkip: 1 });
  const rng = new Rng(0);
  const ctrl = new Float64Array(model.nu);
  const ours = (count: number) => {
    physics.setState(model.qpos0, new Float64Array(model.nv));
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let n = 0; n < count; n++) {
      for (let i = 0; i < ctrl.length; i++) ctrl[i] = 0.1 * rng.normal();
      physics.stage(ctrl);
      physics.advance();
    }
    const used = process.cpuUsage(cpu);
    return { perWall: count / ((performance.now() - start) / 1000), perCpu: count / ((used.user + used.system) / 1e6) };
  };
  // The bare loop: its own MjData over the same compiled model, nothing read back.
  const mujoco = await loadMujoco();
  const handle = mujocoModel(mujoco, info.modelFile, modelText(info.modelFile));
  const data = new mujoco.MjData(handle);
  const bare = (count: number) => {
    mujoco.mj_resetData(handle, data);
    const dataCtrl = data.ctrl;
    const start = performance.now();
    for (let n = 0; n < count; n++) {
      for (let i = 0; i < dataCtrl.length; i++) dataCtrl[i] = 0.1 * rng.normal();
      mujoco.mj_step(handle, data);
    }
    return count / ((performance.now() - start) / 1000);
  };
  ours(Math.min(steps, 20_000)); // warm up the wasm JIT
  bare(Math.min(steps, 20_000));
  const mine: { perWall: number; perCpu: number }[] = [];
  const bareRounds: number[] = [];
  const native: number[] = [];
  for (let round = 0; round < rounds; round++) {
    mine.push(ours(steps));
    bareRounds.push(bare(steps));
    const figure = nativeRound(file, steps);
    if (figure !== null) native.push(figure);
  }
  data.delete();
  physics.dispose();
  // Every line names the bench, the setting and the robot; `fields` says what was run and what it measured.
  const print = (fields: Record<string, string | number>) =>
    console.log(JSON.stringify({ bench: 'sim', setting: 'testspeed', robot: info.name, ...fields }));
  const ratio = (others: readonly number[]) => Number(median(mine.map((m, r) => m.perWall / others[r])).toFixed(2));
  print({
    physics: 'mujoco',
    steps,
    physics_steps_per_s: Math.round(median(mine.map((m) => m.perWall))),
    physics_steps_per_cpu_s: Math.round(median(mine.map((m) => m.perCpu))),
    vs_bare_wasm: ratio(bareRounds),
    ...(native.length === rounds ? { vs_native: ratio(native) } : {}),
  });
  print({ physics: 'bare mj_step loop (mujoco-js)', steps, physics_steps_per_s: Math.round(median(bareRounds)) });
  if (native.length === rounds) print({ physics: 'native mujoco-testspeed (MuJoCo 2.2.2)', steps, physics_steps_per_s: Math.round(median(native)) });
  else print({ physics: 'native mujoco-testspeed', skipped: `${NATIVE} not installed (apt-get install libmujoco-samples)` });
}
