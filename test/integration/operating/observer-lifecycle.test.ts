// The observer hook under every way an operation can end: aborts (before and during), streams left
// early, failing mid-stream or refused at routing, execute whose usage promise rejects, concurrency.
// The contract: start → (decided) → end exactly once.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, RequestAbortedError, UnknownAgentError, type LoadedConfig, type ObservedEnd, type ObservedOperation, type RouterObserver } from '../../../src/index.js';
import { createMockProvider } from '../../../src/test.js';
import { loadSeed } from '../../helpers/seed.js';
import { REQUEST, sleep } from './operating-helpers.js';
import { observerRecorder } from '../../helpers/observer-recorder.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const recorder = observerRecorder;

const settle = () => sleep(20);

describe('observer: end exactly once', () => {
  it('complete() aborted before it starts and while in flight', async () => {
    const { log, observer } = recorder();
    const mock = createMockProvider({ responses: { latencyMs: 50 } });
    const router = createRouter(seed, { observer, providers: { anthropic: mock, openai: mock, local: mock } });
    const before = new AbortController();
    before.abort(new Error('no'));
    await expect(router.complete('qa_agent', REQUEST, { signal: before.signal })).rejects.toBeInstanceOf(RequestAbortedError);
    const during = new AbortController();
    const call = router.complete('qa_agent', REQUEST, { signal: during.signal });
    await sleep(10);
    during.abort();
    await expect(call).rejects.toThrow();
    await settle();
    expect(log.map((e) => [e.operation, e.ends.length])).toEqual([
      ['complete', 1],
      ['complete', 1],
    ]);
    expect(log[0]!.ends[0]!.decision).toBeUndefined();
    expect(log[0]!.ends[0]!.error).toBeDefined();
    expect(log[1]!.decided).toBe(1);
    expect(log[1]!.ends[0]!.error).toBeDefined();
    expect(log[1]!.ends[0]!.result).toBeUndefined();
  });

  it('stream(): left after the first delta, left on the finish part, read to the end, aborted mid-way, failing mid-way, refused at routing', async () => {
    const { log, observer } = recorder();
    const ok = createMockProvider({ responses: { text: 'one two three', streamChunks: ['one ', 'two ', 'three'], latencyMs: 5 } });
    const router = createRouter(seed, { observer, retry: { retries: 0 }, providers: { anthropic: ok, openai: ok, local: ok } });

    for await (const part of router.stream('qa_agent', REQUEST)) if (part.type === 'text-delta' || part.type !== 'start') break;
    for await (const part of router.stream('qa_agent', REQUEST)) if (part.type === 'finish') break;
    for await (const part of router.stream('qa_agent', REQUEST)) void part;

    const controller = new AbortController();
    await expect(
      (async () => {
        for await (const part of router.stream('qa_agent', REQUEST, { signal: controller.signal })) if (part.type !== 'start') controller.abort();
      })(),
    ).rejects.toThrow();

    const broken = createMockProvider({ responses: { text: 'one two three', streamChunks: ['one ', 'two ', 'three'], failAfterChunks: 2 } });
    const failing = createRouter(seed, { observer, retry: { retries: 0 }, providers: { anthropic: broken, openai: broken, local: broken } });
    await expect(
      (async () => {
        for await (const part of failing.stream('qa_agent', REQUEST)) void part;
      })(),
    ).rejects.toThrow();

    await expect(
      (async () => {
        for await (const part of router.stream('no_such_agent', REQUEST)) void part;
      })(),
    ).rejects.toBeInstanceOf(UnknownAgentError);
    await settle();

    expect(log.map((e) => e.ends.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const [leftEarly, leftOnFinish, full, aborted, failed, refused] = log.map((e) => e.ends[0]!);
    expect(leftEarly!.cancelled).toBe(true);
    expect(leftOnFinish!.result).toBeDefined();
    expect(leftOnFinish!.cancelled).toBeUndefined();
    expect(full!.result?.modelId).toBeTruthy();
    expect(aborted!.error).toBeDefined();
    expect(failed!.error).toBeDefined();
    expect(refused!.decision).toBeUndefined();
    expect(UnknownAgentError.isInstance(refused!.error)).toBe(true);
  });

  it('execute(): usage promise rejects, usage invalid, every attempt throws, aborted in the attempt', async () => {
    const { log, observer } = recorder();
    const router = createRouter(seed, { observer, retry: { retries: 0 } });

    const rejecting = await router.execute('qa_agent', {}, async () => ({ value: 'v', usage: Promise.reject(new Error('usage lost')) }));
    await expect(rejecting.settled).rejects.toThrow('usage lost');
    await expect(router.execute('qa_agent', {}, async () => ({ value: 'v', usage: { inputTokens: -1, outputTokens: Number.NaN } }))).rejects.toThrow();
    await expect(
      router.execute('qa_agent', {}, async () => {
        throw new Error('host failure');
      }),
    ).rejects.toThrow();
    const controller = new AbortController();
    await expect(
      router.execute('qa_agent', { signal: controller.signal }, async ({ signal }) => {
        controller.abort();
        await sleep(1);
        signal.throwIfAborted();
        return { value: 1, usage: { inputTokens: 1, outputTokens: 1 } };
      }),
    ).rejects.toThrow();
    await settle();

    expect(log.map((e) => [e.operation, e.ends.length])).toEqual([
      ['execute', 1],
      ['execute', 1],
      ['execute', 1],
      ['execute', 1],
    ]);
    expect(String(log[0]!.ends[0]!.error)).toContain('usage lost');
    for (const entry of log) expect(entry.ends[0]!.result).toBeUndefined();
  });

  it('route() refused, explain() not observed, and 200 concurrent mixed operations each end once', async () => {
    const { log, observer } = recorder();
    const mock = createMockProvider({ responses: { latencyMs: 2 } });
    const router = createRouter(seed, { observer, providers: { anthropic: mock, openai: mock, local: mock } });
    await expect(router.route('nobody')).rejects.toBeInstanceOf(UnknownAgentError);
    await router.explain('qa_agent', { complexity: 2 });
    expect(log.map((e) => [e.operation, e.ends.length])).toEqual([['route', 1]]);

    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const agent = router.agentIds()[i % 4]!;
      if (i % 4 === 0) ops.push(router.route(agent, { complexity: i % 10 }));
      else if (i % 4 === 1) ops.push(router.complete(agent, REQUEST, { task: { complexity: i % 10 } }));
      else if (i % 4 === 2)
        ops.push(
          (async () => {
            let n = 0;
            for await (const streamed of router.stream(agent, REQUEST)) {
              void streamed;
              if (++n === 2 && i % 8 === 2) break;
            }
          })(),
        );
      else ops.push(router.execute(agent, {}, async () => ({ value: i, usage: { inputTokens: 2, outputTokens: 2 } })).then((r) => r.settled));
      if (i === 100) router.reload(structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! }));
    }
    await Promise.allSettled(ops);
    await settle();
    expect(log).toHaveLength(201);
    expect(log.filter((e) => e.ends.length !== 1)).toEqual([]);
  });
});
