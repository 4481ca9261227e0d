import { validateConfig } from '../shared/config.ts';
import { clipGradientNorm, FlatAdam } from '../shared/flat-adam.ts';
import { onPolicyDefaults, onPolicyDocs, onPolicyRules, type OnPolicyConfig } from './config.ts';
import { onPolicyEntry } from './entry.ts';
import { actorCriticGradient } from './actor-critic-loss.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { OnPolicyAlgorithm, StateArrays } from './trainer.ts';
import type { RolloutBuffer } from '../shared/rollout-buffer.ts';
import a2cPresets from '../../assets/presets/a2c.json' with { type: 'json' };

/**
 * A2C: the synchronous form of the seed's A3C. N environments step together for numSteps steps; each step
 * gets the n-step return G_t = r_{t+1} + gamma G_{t+1} (bootstrapped from V at the cut, 0 at a terminal,
 * V(final observation) at a truncation), and one gradient step follows on
 *   loss = -mean(log pi(a|s) (G - V)) - entropyCoef H + valueCoef mean (G - V)^2.
 * Adam replaces SB3's RMSprop (same role; its state saves exactly). gaeLambda < 1 swaps G for GAE(lambda).
 */

export const a2cDefaults: OnPolicyConfig = {
  ...onPolicyDefaults,
  numEnvs: 8,
  numSteps: 5,
  gaeLambda: 1,
  learningRate: 7e-4,
  normaliseAdvantages: false,
};

export function validateA2cConfig(config: Readonly<Record<string, unknown>>): OnPolicyConfig {
  return validateConfig('a2c', a2cDefaults, config, onPolicyRules);
}

export class A2c implements OnPolicyAlgorithm {
  private readonly adam: FlatAdam;
  private readonly parameters: Float32Array;
  private readonly gradient: Float32Array;

  constructor(
    private readonly model: GaussianActorCritic,
    readonly config: OnPolicyConfig,
  ) {
    this.adam = new FlatAdam(model.parameterCount, { learningRate: config.learningRate, epsilon: config.adamEpsilon });
    this.parameters = model.readParameters();
    this.gradient = new Float32Array(model.parameterCount);
  }

  update(buffer: RolloutBuffer, lastValues: Float32Array, learningRate: number): Record<string, number> {
    const c = this.config;
    if (c.gaeLambda === 1) buffer.computeNStep(lastValues, c.gamma);
    else buffer.computeGae(lastValues, c.gamma, c.gaeLambda);
    if (c.normaliseAdvantages) buffer.normaliseAdvantages();
    const result = actorCriticGradient(this.model, buffer.all(), c, this.gradient);
    const gradNorm = c.maxGradNorm > 0 ? clipGradientNorm(this.gradient, c.maxGradNorm) : Number.NaN;
    this.adam.learningRate = learningRate;
    this.model.readParameters(this.parameters);
    this.adam.step(this.parameters, this.gradient);
    this.model.writeParameters(this.parameters);
    return { actor_loss: result.policyLoss, critic_loss: result.valueLoss, entropy: result.entropy, grad_norm: gradNorm };
  }

  getState(): { json: Record<string, number>; arrays: StateArrays } {
    const adam = this.adam.getState();
    return { json: { adamSteps: adam.steps }, arrays: { adamM: adam.firstMoment, adamV: adam.secondMoment } };
  }

  setState(json: Record<string, number>, arrays: Readonly<StateArrays>): void {
    const { adamM, adamV } = arrays;
    if (!(adamM instanceof Float32Array) || !(adamV instanceof Float32Array)) throw new Error('a2c.setState: Adam moments missing');
    this.adam.setState({ firstMoment: adamM, secondMoment: adamV, steps: json.adamSteps });
  }
}

export const a2cEntry = onPolicyEntry({
  name: 'a2c',
  summary: 'A2C: synchronous advantage actor-critic with n-step returns (on-policy)',
  defaults: a2cDefaults,
  presets: a2cPresets,
  docs: onPolicyDocs,
  validate: validateA2cConfig,
  createAlgorithm: (model, config) => new A2c(model, config),
});
