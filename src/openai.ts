// The `llm-agent-router/openai` entry: the OpenAI (and OpenAI-compatible local server) adapter.
// Kept apart from the main entry so the `openai` SDK stays an optional peer dependency.

export {
  createOpenAIProvider,
  normalizeOpenAIBaseURL,
  type OpenAIProviderSettings,
  type OpenAIStreamFinishRaw,
} from './providers/openai.js';
