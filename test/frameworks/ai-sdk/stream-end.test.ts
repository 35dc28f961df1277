// How a call ends when it does not end well, on `ai` 7 and `ai` 6: the caller aborting mid-stream
// (the SDK sees an abort, the reservation is released and what was consumed is booked), aborting a
// `generateText` call, and a stream cut mid-answer (an `error` part with the router's typed error,
// never a silent truncated success).
import { describe, expect, it, vi } from 'vitest';
import { RequestAbortedError, StreamInterruptedError } from 'llm-agent-router';
import { createRouterModel } from 'llm-agent-router/ai-sdk';
import { openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { answerReply, pausedAnswerStream, setupRouter } from './router-setup.js';
import { SDKS } from './sdk-under-test.js';

const server = useWireServer();

describe.each(SDKS)('ending early on $name', (sdk) => {
  it('streamText: aborting mid-stream ends the call as an abort, with the reservation released', async () => {
    const { router, ledger, report } = setupRouter(server);
    server.enqueue(pausedAnswerStream());
    const controller = new AbortController();
    const reservedWhileStreaming: number[] = [];
    const aborted = vi.fn();

    const streamed = await sdk.stream(createRouterModel(router, 'assistant'), {
      abortSignal: controller.signal,
      onAbort: aborted,
      onTextDelta: () => {
        reservedWhileStreaming.push(ledger.openReservations);
        controller.abort();
      },
    });

    expect(reservedWhileStreaming).toEqual([1]);
    expect(streamed.parts).toContain('abort');
    expect(streamed.parts).not.toContain('finish-step');
    expect(streamed.errors).toEqual([]);
    expect(aborted).toHaveBeenCalledTimes(1);
    // The router ends the provider's stream and books what was consumed.
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0));
    const spent = await report();
    expect(spent.calls).toBe(1);
    expect(spent.reservedMicros).toBe(0);
  });

  it("generateText: aborting while the model thinks rejects with an AbortError carrying the router's code", async () => {
    const { router, ledger } = setupRouter(server);
    server.enqueue({ ...answerReply('gpt-4o'), delayMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await sdk.generate(createRouterModel(router, 'assistant'), { abortSignal: controller.signal }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(ledger.openReservations).toBe(0);
  });

  it('streamText: a stream cut mid-answer ends with an error part holding StreamInterruptedError', async () => {
    const { router, ledger, report } = setupRouter(server);
    // The deltas, a moment for the client to read them, then the socket dies: no finish, no usage.
    server.enqueue({ type: 'sse', events: openaiWire.streamEvents(['It is ', '18°C']).slice(0, 3), ending: 'destroy', pause: { afterEvents: 3, ms: 100 } });

    const streamed = await sdk.stream(createRouterModel(router, 'assistant'));

    expect(streamed.parts).toContain('error');
    expect(streamed.parts).toContain('text-delta');
    expect(streamed.errors).toHaveLength(1);
    expect(StreamInterruptedError.isInstance(streamed.errors[0])).toBe(true);
    expect(streamed.errors[0]).toMatchObject({ code: 'STREAM_INTERRUPTED', modelId: 'gpt-cloud', partialText: 'It is 18°C' });
    // A failure mid-answer does not fall back: one request, and what was consumed is booked.
    expect(server.requests).toHaveLength(1);
    expect(ledger.openReservations).toBe(0);
    expect((await report()).calls).toBe(1);
  });
});
