// The router as the Agents SDK's `ModelProvider`: `new Runner({ modelProvider: routerModelProvider(router) })`,
// and each agent's `model` names the router agent whose configuration routes its calls.
import type { ModelProvider } from '@openai/agents-core';
import { InvalidArgumentError, UnknownAgentError } from '../../errors.js';
import type { Router } from '../../router/create-router.js';
import { checkModels, RouterModel, type RouterModelOptions } from './router-model.js';

/** Options for every agent's `RouterModel`; see `RouterModelOptions`. */
export type RouterModelProviderOptions = RouterModelOptions;

/**
 * A `ModelProvider` whose model names are router agent ids: `new Agent({ model: 'support_agent' })`
 * is routed by the router's `support_agent`. A name the router does not know is an
 * `UnknownAgentError`; an agent that names no model (on a Runner without a `model`) is told to name one.
 */
export function routerModelProvider(router: Router, options: RouterModelProviderOptions = {}): ModelProvider {
  if (typeof router !== 'object' || router === null || typeof router.agentIds !== 'function') {
    throw new InvalidArgumentError('router', 'expected a router from createRouter()');
  }
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { task?, context?, models? }');
  // A bad `models` fails here, when the Runner is built, rather than on an agent's first turn.
  if (options.models !== undefined) checkModels(router, options.models);
  const byAgent = new Map<string, RouterModel>();
  return {
    getModel(modelName?: string): RouterModel {
      const agentId = modelName ?? '';
      const known = byAgent.get(agentId);
      if (known) return known;
      if (agentId === '') {
        throw new InvalidArgumentError(
          'Agent.model',
          `the agent names no router agent: set new Agent({ model: '<agent id>' }) or new Runner({ modelProvider, model: '<agent id>' }); known agents: ${router.agentIds().join(', ')}`,
        );
      }
      if (!router.agentIds().includes(agentId)) throw new UnknownAgentError(agentId, router.agentIds());
      const model = new RouterModel(router, agentId, options);
      byAgent.set(agentId, model);
      return model;
    },
  };
}
