// The observer hook: every route / complete / stream / execute starts, is decided and ends once —
// with its result, its error, or as cancelled — and an observer that throws never breaks a call.
import { beforeAll, describe, expect, it } from 'vitest';
import { AllModelsFailedError, createRouter, type LoadedConfig, type ObservedEnd, type ObservedOperation, type RouterObserver } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { loadSeed } from '../helpers/seed.js';
import { observerRecorder } from '../helpers/observer-recorder.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const recorder = observerRecorder;

const REQUEST = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe('observer', () => {
  it('sees each operation start, decide and end once, with its result and tries', async () => {
    const { log, observer } = recorder();
    const mock = createMockProvider();
    const router = createRouter(seed, { observer, providers: { anthropic: mock, openai: mock, local: mock } });
    await router.route('qa_agent', { complexity: 2 });
    const result = await router.complete('qa_agent', REQUEST, { task: { complexity: 2 } });
    for await (const part of router.stream('qa_agent', REQUEST, { task: { complexity: 2 } })) void part;
    const executed = await router.execute('qa_agent', {}, async () => ({ value: 1, usage: { inputTokens: 3, outputTokens: 4 } }));
    await executed.settled;

    expect(log.map((entry) => [entry.operation, entry.decided, entry.ends.length])).toEqual([
      ['route', 1, 1],
      ['complete', 1, 1],
      ['stream', 1, 1],
      ['execute', 1, 1],
    ]);
    const completed = log[1]!.ends[0]!;
    expect(completed.result).toMatchObject({ modelId: result.modelId, provider: result.provider, usedFallback: false, costUsd: result.costUsd });
    expect(completed.attempts).toHaveLength(1);
    expect(completed.attempts[0]!.startedAt).toBeGreaterThanOrEqual(completed.startedAt);
    expect(log[3]!.ends[0]!.result?.usage).toEqual({ inputTokens: 3, outputTokens: 4 });
    expect(log[0]!.ends[0]!.result).toBeUndefined();
  });

  it('ends a failed call with its error and a stream the consumer left as cancelled', async () => {
    const { log, observer } = recorder();
    const failing = createMockProvider({ responses: { error: { status: 500 } } });
    const router = createRouter(seed, { observer, retry: { retries: 0 }, providers: { anthropic: failing, openai: failing, local: failing } });
    await expect(router.complete('qa_agent', REQUEST)).rejects.toThrow(AllModelsFailedError);
    expect(AllModelsFailedError.isInstance(log[0]!.ends[0]!.error)).toBe(true);

    const ok = createMockProvider({ responses: { text: 'one two three', streamChunks: ['one ', 'two ', 'three'] } });
    const streaming = createRouter(seed, { observer, providers: { anthropic: ok, openai: ok, local: ok } });
    for await (const part of streaming.stream('qa_agent', REQUEST)) if (part.type !== 'start') break;
    const ended = log[1]!.ends;
    expect(ended).toHaveLength(1);
    expect(ended[0]!.cancelled).toBe(true);
  });

  it('never lets a throwing observer break a call', async () => {
    const warnings: string[] = [];
    const observer: RouterObserver = {
      start: () => ({
        decided: () => {
          throw new Error('decided');
        },
        end: () => {
          throw new Error('end');
        },
      }),
    };
    const router = createRouter(seed, { observer, logger: { warn: (message) => warnings.push(message) } });
    expect((await router.complete('qa_agent', REQUEST)).text.length).toBeGreaterThan(0);
    expect((await router.route('qa_agent')).modelId).toBeTruthy();
    expect(warnings.some((w) => w.includes('an observer threw'))).toBe(true);
  });
});
