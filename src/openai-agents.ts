// The `llm-agent-router/openai-agents` entry: the router as a model of the OpenAI Agents SDK. Every
// model call of an agent's loop is routed on the conversation so far and made with the router's
// retries, fallbacks, budget and privacy guarantee. `@openai/agents-core` is an optional peer
// (`@openai/agents` brings it); only this entry imports it.
export { RouterModel } from './frameworks/openai-agents/router-model.js';
export type { RouterModelOptions } from './frameworks/openai-agents/router-model.js';
export { routerModelProvider } from './frameworks/openai-agents/router-model-provider.js';
export type { RouterModelProviderOptions } from './frameworks/openai-agents/router-model-provider.js';
export type { RouterResponseInfo } from './frameworks/openai-agents/result-to-response.js';
