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
  /** Stiffness of contact position correction (Hz); Rapier's default when undefined. */
  readonly contactNaturalFrequency?: number;
}

/** Rapier's defaults: what robots without a measured setting get. */
const DEFAULT_SETTINGS: SolverSettings = { worldSteps: 1, solverIterations: 4, pgsIterations: 1, softLimits: true };

/**
 * Chosen from the speed/fidelity trade-off measured against the MuJoCo references (teacher-forced one-step errors
 * over the 200 steps of hopper-seed{1,2,3}.json: joint-angle p95 and joint-rate p95; throughput: 64 robots in one
 * world, one thread, physics steps per CPU second, on a machine shared with other engineers' runs (load ~18 on 2
 * cores), so the speeds are rough). Measured by replaying the reference files through RapierRobot (teacher forcing
 * over the hinge joints, the torso's pitch included); `sinew fidelity --physics rapier FILES` gives the same kind of
 * figures over every joint.
 *   Hopper  2x1: 8.8/4.6/7.2e-3 rad, 1.07/0.69/1.31 rad/s, ~19.5k
 *           2x2: 7.4/4.2/5.4e-3,     1.18/0.65/1.25,      ~21k
 *           4x1: 6.8/4.2/4.7e-3,     1.02/0.58/0.98,      ~15k
 *           4x2: 6.3/3.7/4.2e-3,     1.44/0.64/1.14,      ~13k
 *           8x2: 4.9/3.1/4.2e-3,     1.29/0.66/1.09
 * 4x1 (Rapier's default) has the lowest joint-rate errors; more iterations lower the angle error a little but not
 * the rate error: what is left is contacts (contact-free steps: rate p95 0.18-0.21 rad/s), where MuJoCo's soft
 * contacts (solimp 0.8) and Rapier's rigid ones differ and Rapier's JS API offers no per-contact compliance.
 * Reacher (fingertip error, mean over the steps before joint1's limit / over all 50; seeds 1/2/3; hard limits):
 * 4x1 18/41/32 mm and 9/66/46 mm; 4x4 1.6/18/15 and 2/45/13; 8x8 2.5/5.8/6.5 and 2.8/20/20; 16x4 1.9/6.5/7.5 and
 * 2.5/23/18; with the soft limits, 8x8: 2.6/6.1/6.5 and 2.6/5.8/8.5 mm. The Reacher's light links (4e-5 kg m^2)
 * under joint-space armature motors (1 kg m^2) converge slowly in Rapier's Gauss-Seidel solver (the pivot and the
 * motor rows fight over the link's rotation); 8x8 is the cheapest setting within a few millimetres.
 * HalfCheetah (seed 1; speed not measured): 4x1 angle p95 0.19 rad, rate p95 5.1 rad/s, one step open loop 0.22 rad;
 * 8x8 0.053, 2.4, 0.015 (its shins and feet are light against their springs and armature). Walker2d: 4x1 and 8x8
 * alike (0.029 rad, 5.1 rad/s): not a convergence matter, so it keeps Rapier's default.
 * Ant (ant-seed1.json; `sinew fidelity`: teacher-forced angle p95, rate p95, one step open loop; speed: 64 robots,
 * one thread, physics steps per CPU second, machine shared at load 6-10): 4x1 0.22 rad, 8.0 rad/s, 0.19 rad, ~17k;
 * 8x8 0.094, 6.1, 0.053, ~7.6k; 16x4 0.089, 5.6, 0.053; 2 world steps of 8x4 0.12, 4.2, 0.035. Like the
 * HalfCheetah's, its light legs (0.04-0.07 kg) hang under armature-1 motors geared 150: 8x8.
 */
const MEASURED: Readonly<Record<string, SolverSettings>> = {
  hopper: { worldSteps: 1, solverIterations: 4, pgsIterations: 1, softLimits: true },
  reacher: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
  cheetah: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
  ant: { worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true },
};

/** The settings for the model named `model` (the MJCF's <mujoco model="...">). */
export function solverSettings(model: string): SolverSettings {
  return MEASURED[model] ?? DEFAULT_SETTINGS;
}
