// `createRouterProvider` where the AI SDK takes providers: inside `customProvider` (as a named
// language model and as the fallback provider) and in a provider registry, on `ai` 7 and `ai` 6.
// Agents are its model ids; other model kinds and unknown agents throw the SDK's NoSuchModelError.
import * as ai7 from 'ai';
import * as ai6 from 'ai6';
import { describe, expect, it } from 'vitest';
import { createRouterProvider } from 'llm-agent-router/ai-sdk';
import { useWireServer } from '../../helpers/wire-server.js';
import { answerReply, expectDecisions, setupRouter } from './router-setup.js';

const server = useWireServer();

describe('createRouterProvider', () => {
  it('is a callable V3 provider whose language models are the agents', () => {
    const { router } = setupRouter(server);
    const provider = createRouterProvider(router, { task: { type: 'chat' } });
    expect(provider.specificationVersion).toBe('v3');
    expect(provider('assistant')).toMatchObject({ specificationVersion: 'v3', provider: 'llm-agent-router', modelId: 'assistant' });
    expect(provider.languageModel('assistant').modelId).toBe('assistant');
  });

  it("throws the SDK's NoSuchModelError for an unknown agent and for embedding and image models", () => {
    const { router } = setupRouter(server);
    const provider = createRouterProvider(router);
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      throw new Error('expected a throw');
    };
    for (const [fn, modelType] of [
      [() => provider.languageModel('nobody'), 'languageModel'],
      [() => provider.embeddingModel('text-embedding-3-small'), 'embeddingModel'],
      [() => provider.textEmbeddingModel!('text-embedding-3-small'), 'embeddingModel'],
      [() => provider.imageModel('dall-e-3'), 'imageModel'],
    ] as const) {
      const error = thrown(fn);
      expect(ai7.NoSuchModelError.isInstance(error)).toBe(true);
      expect(ai6.NoSuchModelError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ name: 'AI_NoSuchModelError', modelType });
    }
  });

  it('ai@7: inside customProvider, by alias and as the fallback provider, and in a provider registry', async () => {
    const { router, decisions } = setupRouter(server);
    const routerProvider = createRouterProvider(router);
    const provider = ai7.customProvider({ languageModels: { support: routerProvider.languageModel('assistant') }, fallbackProvider: routerProvider });
    const registry = ai7.createProviderRegistry({ router: routerProvider });
    server.enqueue(answerReply('gpt-4o', 'one'), answerReply('gpt-4o', 'two'), answerReply('gpt-4o', 'three'));

    const texts = [];
    for (const model of [provider.languageModel('support'), provider.languageModel('assistant'), registry.languageModel('router:assistant')]) {
      texts.push((await ai7.generateText({ model, prompt: 'Say something.' })).text);
    }

    expect(texts).toEqual(['one', 'two', 'three']);
    expectDecisions(decisions, ['gpt-cloud', 'gpt-cloud', 'gpt-cloud']);
    expect(() => provider.embeddingModel('anything')).toThrow(/routes language models only/);
  });

  it('ai@6: inside customProvider and in a provider registry', async () => {
    const { router, decisions } = setupRouter(server);
    // See sdk-under-test.ts: two @ai-sdk/provider majors in this repository, one in an ai@6 project.
    const routerProvider = createRouterProvider(router) as unknown as Parameters<typeof ai6.createProviderRegistry>[0][string];
    const provider = ai6.customProvider({ languageModels: { support: routerProvider.languageModel('assistant') }, fallbackProvider: routerProvider });
    const registry = ai6.createProviderRegistry({ router: routerProvider });
    server.enqueue(answerReply('gpt-4o', 'one'), answerReply('gpt-4o', 'two'), answerReply('gpt-4o', 'three'));

    const texts = [];
    for (const model of [provider.languageModel('support'), provider.languageModel('assistant'), registry.languageModel('router:assistant')]) {
      texts.push((await ai6.generateText({ model, prompt: 'Say something.' })).text);
    }

    expect(texts).toEqual(['one', 'two', 'three']);
    expectDecisions(decisions, ['gpt-cloud', 'gpt-cloud', 'gpt-cloud']);
  });
});
