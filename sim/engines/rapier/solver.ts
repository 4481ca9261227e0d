/** Rapier's solver settings for one robot (see solverSettings for how they were chosen). */
export interface SolverSettings {
  /**
   * World steps per MuJoCo physics step (each h / worldSteps long). Joint motors (armature, damping) are set before
   * every world step from the velocities at its start, so more world steps integrate the joints more finely.
   */
  readonly worldSteps: number;
  /** Rapier's solver substeps per world step (positions integrated in each). */
  readonly solverIterations: number;
  /** Gauss-Seidel sweeps per substep. */
  readonly pgsIterations: number;
  /** Hinge limits as MuJoCo's soft ones through the joint motors (limits.ts), or Rapier's hard limits. */
  readonly softLimits: boolean;
  /**
   * Natural frequency (Hz) of the soft contacts with the world's planes; Rapier's own when undefined. Rapier gives
   * contacts with a fixed body a softness of its own (60 Hz, damping ratio 10 in Rapier's source) that its JS API
   * cannot set; `contact_natural_frequency` sets the one of contacts between moving bodies, so with a frequency each
   * lane's planes sit on its own ground body, kinematic and never moved (build.ts). The damping ratio stays Rapier's 10.
   */
  readonly contactNaturalFrequency?: number;
}

/** Rapier's defaults: what robots without a measured setting get. */
const DEFAULT_SETTINGS: SolverSettings = { worldSteps: 1, solverIterations: 4, pgsIterations: 1, softLimits: true };

/**
 * Chosen from the speed/fidelity trade-off measured against the MuJoCo references (teacher-forced one-step errors
 * over the 200 steps of hopper-seed{1,2,3}.json: joint-angle p95 and joint-rate p95 over the hinge joints, the three
 * files pooled; throughput: 64 robots in one world, one thread, physics steps per CPU second, on a machine shared
 * with other engineers' runs (load 7-19 on 2 cores), so the speeds are rough) and, for the Hopper, policy transfer:
 * one PPO policy trained on MuJoCo (400k steps, seed 1, 3013 over 10 episodes there) played on Rapier, its mean
 * return there over its MuJoCo return (30 episodes, or 10 where marked). "fN": the ground contacts at N Hz
 * (contactNaturalFrequency), else Rapier's own (60 Hz).
 *   Hopper  4x1:        0.0139 rad, 1.76 rad/s, 17% (10), ~30-41k (Rapier's default; the Hopper's until 2026-12-06)
 *           4x1 f2/f20/f160/f1000: 0.0092/0.0109/0.0170/0.0347 rad, 2.10/1.68/3.75/8.83 rad/s; 4x1 f120 17% (10)
 *           8x8:        0.0062, 2.34, 48%, ~20k
 *           8x8 f80/f120/f200: 0.0078/0.0105/0.0167, 3.20/4.87/7.80; f100 70%, f120 85.5%, f200 84%, f600 88%;
 *                       ~13k (then one kinematic ground body under every robot's contacts; now one per lane)
 *           6x8 f200 86%, ~14.5k; 16x4 f200 77%; 32x4 84% (10), ~7.8k; 32x4 f200 77%; 64x1 84% (10)
 * Contact-free steps sit at 0.0027-0.0036 rad and 0.40-0.41 rad/s in every setting: the rest is contacts, where no
 * setting comes near MuJoCo's (docs/FINDINGS.md: Rapier's contacts stop a body within the step whatever their
 * softness). Softer ground contacts lower the teacher-forced errors a little (MuJoCo's states sit a little inside
 * its soft contacts, which stiff ones push out) and the transfer a lot (32x4 at 20 Hz: 44% (10)); stiffer ones
 * raise the transfer once the joint motors converge (8 substeps of 8 sweeps). MuJoCo's geom margin as Rapier's
 * contact skin: 32x4 52% (10). The ratios move by several points with the policy's last bits (the same 8x8 at 120 Hz
 * through `sinew play RUN --physics rapier --episodes 100`: 2297 against 3010 on MuJoCo (30 episodes), 76%).
 * With each lane's own soft ground (2026-12-06), another MuJoCo PPO policy (400k steps, seed 1, 3015 over 20 episodes
 * there; `sinew play RUN --physics rapier --episodes 20`): 4x1 18%, 8x8 f120 65%, 4x8 f120 27%, 2x8 f120 28%; and
 * 64 Hoppers, one thread, beside a TD3 run (rough): 4x1 83k, 8x8 f120 23k (19.8k with the one shared ground body).
 * Two more MuJoCo PPO policies (seeds 1 and 2, 400k steps, 3038 and 3040 over 30 episodes there; `sinew play RUN
 * --checkpoint latest --physics rapier --episodes 30`, 2026-12-06), seed 1 / seed 2, all at 120 Hz unless marked:
 * 8x8 56/30%, 8x1 18/21%, 8x4 47/37%, 8x16 66/24%, 16x2 31/35%, 16x4 42/38%, 16x8 39/31%, 32x4 35/30%, 8x8 f300
 * 56/34%, 8x8 f1000 51/21%; each policy either hops through the 1000 steps or falls (std ~1000), so the ratio is
 * the share of start states it survives and moves with the policy more than with the setting.
 * The Hopper runs at 8x8 on 120 Hz ground (since 2026-12-06; 4x1 before): no setting measured gives both the
 * transfer (85%) and the speed (75k) of the goals, and what a user sees is the dynamics, not the physics speed. On
 * 8x8 f120 PPO's Hopper goes past 3000 (best 3477 over 2M steps, 2752 at 4x1; docs/LEARNING.md; MuJoCo's
 * 3495); PPO trains about as fast (the preset, one thread: 2415 at 573k steps in 225 s, 2548 env steps/s, against
 * 2404 at 307k in 106 s, 2896 env steps/s, at 4x1: the policy and its updates, not the physics, take most of the
 * time); TD3 is learner-bound at ~130 env steps/s either way. What it costs is the raw physics speed, 3.5x. Once,
 * its kinematic ground was one body under every lane and broke bit-for-bit determinism across world slicings; each
 * lane now has its own (build.ts, docs/FINDINGS.md). It was set back to 4x1 for some hours after a resume came
 * out apart in one full test run of four; that was a worker thread running a step twice on a late wake-up
 * (env-worker.ts), which could hit any robot stepped in fixed slices, fixed since.
 * Reacher (fingertip error, mean over the steps before joint1's limit / over all 50; seeds 1/2/3; hard limits):
 * 4x1 18/41/32 mm and 9/66/46 mm; 4x4 1.6/18/15 and 2/45/13; 8x8 2.5/5.8/6.5 and 2.8/20/20; 16x4 1.9/6.5/7.5 and
 * 2.5/23/18; with the soft limits, 8x8: 2.6/6.1/6.5 and 2.6/5.8/8.5 mm. The Reacher's light links (4e-5 kg m^2)
 * under joint-space armature motors (1 kg m^2) converge slowly in Rapier's Gauss-Seidel solver (the pivot and the
 * motor rows fight over the link's rotation); 8x8 is the cheapest setting within a few millimetres. The 2 mm goal is
 * out of reach of any first-order integrator at the Reacher's 10 ms (MuJoCo's own equations with Euler: 3.6/2.7/5.0
 * mm); 2 or 4 world steps come nearer at 2-4x the cost (docs/FINDINGS.md).
 * HalfCheetah (seed 1; speed not measured): 4x1 angle p95 0.19 rad, rate p95 5.1 rad/s, one step open loop 0.22 rad;
 * 8x8 0.053, 2.4, 0.015 (its shins and feet are light against their springs and armature). Walker2d: 4x1, 8x8, 32x1
 * and 2 or 4 world steps of 4x1 alike (0.075-0.081 rad, 11-12 rad/s over seeds 1-3): not a convergence matter (its
 * errors are at its joint limits, docs/FINDINGS.md), so it keeps Rapier's default.
 * Ant (ant-seed1.json; `sinew fidelity`: teacher-forced angle p95, rate p95, one step open loop; speed: 64 robots,
 * one thread, physics steps per CPU second, machine shared at load 6-10): 4x1 0.22 rad, 8.0 rad/s, 0.19 rad, ~17k;
 * 8x8 0.094, 6.1, 0.053, ~7.6k; 16x4 0.089, 5.6, 0.053; 2 world steps of 8x4 0.12, 4.2, 0.035. Like the
 * HalfCheetah's, its light legs (0.04-0.07 kg) hang under armature-1 motors geared 150: 8x8.
 * Swimmer (against MuJoCo's own trajectories, fidelity.ts recordMujocoTrajectory, 300 random steps, seeds 1/2/3;
 * teacher-forced angle p95 / rate p95 / forward velocity p95; speed: 64 robots, one thread, physics steps per CPU
 * second, load 7-10): 4x1 4.6/4.3/4.5e-3 rad, 0.10/0.10/0.07 rad/s, 0.025/0.025/0.013 m/s, ~24k (MuJoCo's engine
 * ~81k); 8x8 3.6/3.6/3.2e-3, 0.12/0.11/0.10; 16x1 3.1/3.1/2.7e-3, 0.13/0.12/0.10; two world steps of 4x1
 * 2.6/2.7/2.6e-3, 0.08/0.07/0.06, 0.019/0.017/0.008, ~12.6k; four 2.3/2.0/1.7e-3. What is left shrinks with the
 * world step, not the iterations: the fluid forces are explicit over a world step (MuJoCo's RK4 re-evaluates them).
 * 4x1 already meets the Hopper's goal (5e-3 rad, 0.5 rad/s) at twice the speed of two world steps: the default.
 */
const MEASURED: Readonly<Record<string, SolverSettings>> = {
  hopper: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true, contactNaturalFrequency: 120 },
  reacher: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
  cheetah: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
  ant: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
};

/** The settings for the model named `model` (the MJCF's <mujoco model="...">). */
export function solverSettings(model: string): SolverSettings {
  return MEASURED[model] ?? DEFAULT_SETTINGS;
}
