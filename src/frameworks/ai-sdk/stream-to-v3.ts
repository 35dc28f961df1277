// `router.stream()` as a V3 stream: `stream-start`, `response-metadata` naming the model that
// serves, text and reasoning blocks (start / delta / end), tool input and tool calls, then exactly
// one `finish` with usage and `providerMetadata.router`. The router's stream has already fallen back
// (if it had to) before its `start` part, which is read before this stream is made.
//
// A failure after the first part becomes an `error` part and a `finish` with reason `error`, the way
// the SDK's own providers report a broken stream (so `streamText`'s `onError` and stream retries
// see it). An abort errors the stream with an `AbortError`, as a fetch body does.
import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import type { RouterStreamPart } from '../../execution/types.js';
import type { RoutingDecision } from '../../routing/types.js';
import { isAbortLike, toSdkError } from './sdk-errors.js';
import { finishReasonToV3, routerMetadata, toolInputText, UNKNOWN_USAGE, usageToV3, withRouterMetadata } from './result-to-v3.js';

type StartPart = Extract<RouterStreamPart, { type: 'start' }>;

/** Opens text and reasoning blocks as deltas arrive, and closes each when another kind of part comes. */
export class BlockTracker {
  private open: { kind: 'text' | 'reasoning'; id: string } | undefined;
  private count = 0;

  /** The parts for one delta: a `*-start` when a block opens, then the delta. */
  delta(kind: 'text' | 'reasoning', delta: string): LanguageModelV3StreamPart[] {
    const out = this.open?.kind === kind ? [] : this.close();
    if (!this.open) {
      this.open = { kind, id: `${kind === 'text' ? 'txt' : 'rsn'}-${this.count++}` };
      out.push({ type: `${kind}-start`, id: this.open.id });
    }
    out.push({ type: `${kind}-delta`, id: this.open.id, delta });
    return out;
  }

  /** The `*-end` of the open block, if any. */
  close(): LanguageModelV3StreamPart[] {
    if (!this.open) return [];
    const { kind, id } = this.open;
    this.open = undefined;
    return [{ type: `${kind}-end`, id }];
  }
}

export interface RouterStreamSource {
  start: StartPart;
  /** The router's stream after its `start` part. */
  rest: AsyncIterator<RouterStreamPart>;
  warnings: SharedV3Warning[];
  /** The caller's signal. */
  signal: AbortSignal | undefined;
  /** Ends the router's stream at once (aborts the signal it was given): called when the consumer cancels. */
  stop: (reason: unknown) => void;
}

export function routerStreamToV3({ start, rest, warnings, signal, stop }: RouterStreamSource): ReadableStream<LanguageModelV3StreamPart> {
  const blocks = new BlockTracker();
  // A stream that fails mid-answer reports no usage, nor its attempts (the router's error does not carry them).
  const failedFinish = (): LanguageModelV3StreamPart => ({
    type: 'finish',
    finishReason: { unified: 'error', raw: undefined },
    usage: UNKNOWN_USAGE,
    providerMetadata: withRouterMetadata(undefined, routerMetadata({ modelId: start.modelId, decision: start.decision, attempts: [] })),
  });
  /** Set once the stream is closed, errored or cancelled: nothing more may be enqueued. */
  let done = false;
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
      controller.enqueue({ type: 'response-metadata', modelId: start.modelId });
    },
    async pull(controller) {
      let next: IteratorResult<RouterStreamPart>;
      try {
        next = await rest.next();
      } catch (error) {
        if (done) return;
        done = true;
        if (isAbortLike(error, signal)) return controller.error(toSdkError(error, signal));
        for (const part of blocks.close()) controller.enqueue(part);
        controller.enqueue({ type: 'error', error });
        controller.enqueue(failedFinish());
        return controller.close();
      }
      if (done) return;
      if (next.done) {
        // The router ends its stream with `finish`; an end without one is a broken stream.
        done = true;
        controller.enqueue({ type: 'error', error: new Error(`The router's stream from ${start.modelId} ended without a finish part`) });
        controller.enqueue(failedFinish());
        return controller.close();
      }
      const part = next.value;
      switch (part.type) {
        case 'text-delta':
          return blocks.delta('text', part.text).forEach((p) => controller.enqueue(p));
        case 'reasoning-delta':
          return blocks.delta('reasoning', part.text).forEach((p) => controller.enqueue(p));
        case 'tool-input-start':
          blocks.close().forEach((p) => controller.enqueue(p));
          return controller.enqueue({ type: 'tool-input-start', id: part.id, toolName: part.toolName });
        case 'tool-input-delta':
          return controller.enqueue({ type: 'tool-input-delta', id: part.id, delta: part.delta });
        case 'tool-input-end':
          return controller.enqueue({ type: 'tool-input-end', id: part.id });
        case 'tool-call':
          blocks.close().forEach((p) => controller.enqueue(p));
          return controller.enqueue({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: toolInputText(part.input) });
        case 'finish': {
          done = true;
          const { result } = part;
          blocks.close().forEach((p) => controller.enqueue(p));
          controller.enqueue({
            type: 'response-metadata',
            modelId: result.modelId,
            timestamp: new Date(result.response.timestamp ?? result.decision.decidedAt),
            ...(result.response.id !== undefined ? { id: result.response.id } : {}),
          });
          controller.enqueue({
            type: 'finish',
            finishReason: finishReasonToV3(result.finishReason, result.rawFinishReason),
            usage: usageToV3(result.usage),
            providerMetadata: withRouterMetadata(undefined, routerMetadata(result)),
          });
          controller.close();
          // Let the router's generator run its end (it settles nothing more, but closes its provider stream).
          void rest.return?.(undefined).catch(() => {});
          return;
        }
        case 'start':
          return;
      }
    },
    cancel(reason) {
      // The consumer stopped reading (or aborted): the router ends the provider's stream — now, even while a read
      // is in flight — and bills what was consumed.
      if (done) return;
      done = true;
      stop(reason);
      void rest.return?.(undefined).catch(() => {});
    },
  });
}
