import type { Rng } from '../../sim/rng.ts';

/** Exploration noise for deterministic policies, one value per action component, seeded through an Rng. */
export interface ActionNoise {
  /** Adds noise to `actions` (n rows of the action size) in place. */
  addTo(actions: Float32Array, rng: Rng): void;
  /** Forgets the noise state of parallel environment `env` (at its episode start). */
  reset(env: number): void;
  getState(): Float64Array;
  setState(state: Float64Array): void;
}

/** Independent N(0, sigma^2) per component (TD3's exploration). */
export class GaussianNoise implements ActionNoise {
  constructor(readonly sigma: number) {
    if (!(sigma >= 0)) throw new Error(`GaussianNoise: sigma must be >= 0, got ${sigma}`);
  }

  addTo(actions: Float32Array, rng: Rng): void {
    for (let i = 0; i < actions.length; i++) actions[i] += this.sigma * rng.normal();
  }

  reset(): void {}

  getState(): Float64Array {
    return new Float64Array(0);
  }

  setState(): void {}
}

/**
 * Ornstein-Uhlenbeck noise (DDPG paper): x <- x + theta (mu - x) dt + sigma sqrt(dt) N(0, 1), per component of
 * every parallel environment, so successive actions are correlated. Defaults as SB3's: theta 0.15, dt 0.01.
 */
export class OrnsteinUhlenbeckNoise implements ActionNoise {
  private state: Float64Array;

  constructor(
    readonly numEnvs: number,
    readonly actionSize: number,
    readonly sigma: number,
    readonly theta = 0.15,
    readonly dt = 1e-2,
  ) {
    if (!(sigma >= 0 && theta >= 0 && dt > 0)) throw new Error(`OrnsteinUhlenbeckNoise: need sigma, theta >= 0 and dt > 0`);
    this.state = new Float64Array(numEnvs * actionSize);
  }

  addTo(actions: Float32Array, rng: Rng): void {
    if (actions.length !== this.state.length) {
      throw new Error(`OrnsteinUhlenbeckNoise: expected ${this.state.length} action values, got ${actions.length}`);
    }
    const diffusion = this.sigma * Math.sqrt(this.dt);
    for (let i = 0; i < actions.length; i++) {
      this.state[i] += -this.theta * this.state[i] * this.dt + diffusion * rng.normal();
      actions[i] += this.state[i];
    }
  }

  reset(env: number): void {
    this.state.fill(0, env * this.actionSize, (env + 1) * this.actionSize);
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== this.state.length) throw new Error(`OrnsteinUhlenbeckNoise.setState: expected ${this.state.length} values`);
    this.state = Float64Array.from(state);
  }
}
