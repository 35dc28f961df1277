// `createRouterProvider`: the router as an AI SDK `ProviderV3` whose language models are agents —
// for `customProvider`, provider registries (`registry.languageModel('router:cto_agent')`) and
// anything else that takes a provider. It routes language models only: asking it for an embedding
// or image model throws the SDK's `NoSuchModelError`.
import type { EmbeddingModelV3, ImageModelV3, LanguageModelV3, ProviderV3 } from '@ai-sdk/provider';
import type { Router } from '../../router/create-router.js';
import { createRouterModel, type RouterModelOptions } from './router-model.js';
import { RouterNoSuchModelError } from './sdk-errors.js';

/** A V3 provider whose model ids are agent ids; callable like the SDK's providers: `router('cto_agent')`. */
export interface RouterProvider extends ProviderV3 {
  (agentId: string): LanguageModelV3;
  languageModel(agentId: string): LanguageModelV3;
}

export function createRouterProvider(router: Router, options: RouterModelOptions = {}): RouterProvider {
  // An unknown agent throws the SDK's NoSuchModelError, as other providers do for an unknown model.
  const languageModel = (agentId: string): LanguageModelV3 => {
    if (!router.agentIds().includes(agentId)) throw new RouterNoSuchModelError(agentId, 'languageModel');
    return createRouterModel(router, agentId, options);
  };
  const provider = (agentId: string) => languageModel(agentId);
  return Object.assign(provider, {
    specificationVersion: 'v3' as const,
    languageModel,
    embeddingModel: (modelId: string): EmbeddingModelV3 => {
      throw new RouterNoSuchModelError(modelId, 'embeddingModel');
    },
    textEmbeddingModel: (modelId: string): EmbeddingModelV3 => {
      throw new RouterNoSuchModelError(modelId, 'embeddingModel');
    },
    imageModel: (modelId: string): ImageModelV3 => {
      throw new RouterNoSuchModelError(modelId, 'imageModel');
    },
  });
}
