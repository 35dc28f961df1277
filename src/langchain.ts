// The `llm-agent-router/langchain` entry: the router as a LangChain chat model (`RouterChatModel`,
// for LangGraph's `createReactAgent`, `langchain`'s `createAgent` and any chain) and as a
// `createAgent` middleware (`routerMiddleware`) that routes the agent's own models. Kept apart from
// the main entry so `@langchain/core` stays an optional peer dependency.
export { RouterChatModel } from './frameworks/langchain/router-chat-model.js';
export type { RouterChatModelCallOptions, RouterChatModelFields, RouterRequestOptions } from './frameworks/langchain/router-chat-model.js';
export { routerMiddleware } from './frameworks/langchain/router-middleware.js';
export type { RouterMiddleware, RouterMiddlewareOptions, RouterModelRequest } from './frameworks/langchain/router-middleware.js';
export type { LangChainChatModel, LangChainModels } from './frameworks/langchain/model-call.js';
export { routerMetadataOf } from './frameworks/langchain/result-to-message.js';
export type { RouterAttemptSummary, RouterResponseMetadata } from './frameworks/langchain/result-to-message.js';
