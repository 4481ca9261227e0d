import type { Rng } from '../../sim/rng.ts';
import type { OffPolicyAgent, OffPolicyConfig } from './agent.ts';
import { createTd3Agent, type Td3Config } from './td3.ts';
import { createDdpgAgent, type DdpgConfig } from './ddpg.ts';
import { SoftActorCritic, type SacConfig } from './sac.ts';
import type { AgentMaker } from './learner-core.ts';

/**
 * The off-policy agents by algorithm name, for a learner thread: it receives an algorithm's name and its
 * validated config (learner-protocol.ts) and builds the same agent the acting thread builds.
 */
const makers: Record<string, (config: OffPolicyConfig, obsSize: number, actionSize: number, rng: Rng) => OffPolicyAgent> = {
  td3: (config, o, a, rng) => createTd3Agent(config as Td3Config, o, a, rng),
  ddpg: (config, o, a, rng) => createDdpgAgent(config as DdpgConfig, o, a, rng),
  sac: (config, o, a, rng) => new SoftActorCritic({ obsSize: o, actionSize: a, config: config as SacConfig }, rng),
};

export const makeAgentByName: AgentMaker = (setup, rng) => {
  const make = makers[setup.algorithm];
  if (!make) throw new Error(`learner thread: no off-policy agent named '${setup.algorithm}' (known: ${Object.keys(makers).join(', ')})`);
  return make(setup.config, setup.obsSize, setup.actionSize, rng);
};
