// The `llm-agent-router/ai-sdk` entry: the router as a Vercel AI SDK language model and provider
// (AI SDK 6 and 7, Mastra). `@ai-sdk/provider` is an optional peer, imported for its types only.

export { createRouterModel, type RouterCallOptions, type RouterModelOptions } from './frameworks/ai-sdk/router-model.js';
export { createRouterProvider, type RouterProvider } from './frameworks/ai-sdk/router-provider.js';
export type { AiSdkLanguageModel } from './frameworks/ai-sdk/sdk-model-versions.js';
export type { RouterCallMetadata } from './frameworks/ai-sdk/result-to-v3.js';
