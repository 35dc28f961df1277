// The `llm-agent-router/anthropic` entry: the Anthropic adapter. Kept apart from the main entry
// so `@anthropic-ai/sdk` stays an optional peer dependency.

export {
  createAnthropicProvider,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  type AnthropicProviderSettings,
  type AnthropicStreamFinishRaw,
  type AnthropicStructuredOutput,
} from './providers/anthropic.js';
