// A router whose three providers — OpenAI, Anthropic and a local OpenAI-compatible server — are the
// router's real adapters talking to one local wire server: for the framework integration tests.
// No retries and no waiting, a manual clock, every decision collected.
import { createRouter, MemoryLedger, type RouterConfigInput, type RoutingDecision } from 'llm-agent-router';
import { createAnthropicProvider } from 'llm-agent-router/anthropic';
import { createOpenAIProvider } from 'llm-agent-router/openai';
import { manualClock } from './seed.js';
import type { WireServer } from './wire-server.js';

export function wireRouter(server: WireServer, config: RouterConfigInput) {
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const router = createRouter(config, {
    clock,
    ledger,
    logger: {},
    sleep: async () => {},
    retry: { retries: 0 },
    providers: {
      openai: createOpenAIProvider({ baseURL: server.url, apiKey: 'test', timeoutMs: 5_000 }),
      anthropic: createAnthropicProvider({ baseURL: server.url, apiKey: 'test', timeoutMs: 5_000 }),
      local: createOpenAIProvider({ baseURL: server.url, name: 'local', timeoutMs: 5_000 }),
    },
  });
  const decisions: RoutingDecision[] = [];
  router.on((event) => decisions.push(event.decision));
  return { router, ledger, clock, decisions };
}
