// `stream()`: the attempt pipeline opens a stream (retries and fallbacks apply until its first
// part), then its parts are passed on. After the first part a failure ends the stream with a typed
// `StreamInterruptedError` — never a silent, truncated success — and what was consumed is billed,
// as it is when the consumer stops reading early.
import { ProviderError, RequestAbortedError, StreamInterruptedError } from '../call-errors.js';
import type { ProviderResponse } from '../providers/provider.js';
import type { ResultPart, StreamPart, TokenUsage } from '../request/types.js';
import { acquire, failAttempt } from './attempt-pipeline.js';
import { callWithRetries, endedTry, type Lease } from './try-call.js';
import type { TrySignal } from './try-signal.js';
import { releaseBudget, settleBudget } from './budget-reservation.js';
import { skip, type AttemptOutcome, type CallContext } from './call-context.js';
import { completionResult, textOf } from './completion-result.js';
import { walkChain } from './fallback-chain.js';
import { checkUsage } from './response-check.js';
import type { RouterStreamPart } from './types.js';

interface Opened {
  lease: Lease;
  iterator: AsyncIterator<StreamPart>;
  first: StreamPart;
  /** The try's signal, kept for the stream's life: it ends the provider's stream with the call. */
  trySignal: TrySignal;
}

type Finish = Extract<StreamPart, { type: 'finish' }>;

export async function* streamCall(call: CallContext, startedAt: number): AsyncGenerator<RouterStreamPart, void, undefined> {
  const { deps, decision, signal } = call;
  const { value: opened, modelId } = await walkChain(call, (model) => openStream(call, model));
  const { lease, iterator, trySignal } = opened;
  const { model } = lease;
  // Between parts the stream may go quiet this long; then the router ends it, whatever the adapter does.
  const idleMs = deps.timeouts.streamIdleMs;
  const nextPart = async () => {
    trySignal.restart(idleMs);
    try {
      return await trySignal.race(iterator.next(), endedTry(trySignal, lease, idleMs));
    } finally {
      trySignal.restart(Number.POSITIVE_INFINITY);
    }
  };
  const parts = new StreamAssembly();
  let finish: Finish | undefined;
  let part: StreamPart | undefined = opened.first;
  let settled = false;
  /** Bills what was consumed when the stream ends early: the estimated input and the output received. Once. */
  const billPartial = async () => {
    if (settled) return;
    settled = true;
    const usage = { inputTokens: lease.reservation.estimatedInput, outputTokens: deps.tokenEstimator.estimate(parts.consumedText()) };
    await settleBudget(call, model, lease.reservation, usage, deps.clock() - lease.startedAt);
  };
  // A caller that aborts while this generator waits at a `yield` may never resume it (frameworks
  // drop the iterator): settle what was consumed and close the provider's stream from here.
  const onAbort = () => {
    if (finish || settled) return;
    void billPartial().catch(() => {});
    deps.health.onCancel(model.id);
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => {});
    trySignal.dispose();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // The consumer may resume the generator after an abort: nothing more is read or billed then.
  const stillWanted = () => {
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
  };
  try {
    yield { type: 'start', modelId, decision };
    stillWanted();
    while (part) {
      if (part.type === 'finish') {
        // The finish part ends the answer; a provider that sends more after it is not read further.
        finish = { ...part, usage: checkUsage(part.usage, (why) => badPart(lease, why)) };
        break;
      }
      yield parts.add(part, lease);
      stillWanted();
      const next = await nextPart();
      part = next.done ? undefined : next.value;
    }
    if (!finish) throw new ProviderError(`The stream from ${model.id} ended without a finish part`, { provider: lease.adapter.provider, modelId: model.id, kind: 'stream_interrupted', retryable: false });
  } catch (error) {
    await billPartial();
    if (signal?.aborted) {
      deps.health.onCancel(model.id);
      throw new RequestAbortedError(signal.reason);
    }
    deps.health.onFailure(model.id, deps.clock());
    throw new StreamInterruptedError(model.id, parts.text(), error);
  } finally {
    // Close the provider's stream (it stopped at its finish part, failed, or the consumer stopped
    // reading); if the consumer stopped, bill what it consumed. A stream the router ended (timed
    // out, aborted) may be stuck mid-await: its closing is not waited for.
    const closing = Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => {
        // the provider's stream already failed; nothing more to close
      });
    if (!trySignal.ended) await closing;
    if (!finish && !settled) {
      await billPartial();
      deps.health.onCancel(model.id);
    }
    signal?.removeEventListener('abort', onAbort);
    trySignal.dispose();
  }
  const costMicros = await settleBudget(call, model, lease.reservation, finish.usage, deps.clock() - lease.startedAt);
  deps.metrics.recordServed(decision, modelId);
  const response: ProviderResponse = { content: parts.content(), finishReason: finish.finishReason, usage: finish.usage, raw: finish.raw };
  if (finish.rawFinishReason !== undefined) response.rawFinishReason = finish.rawFinishReason;
  if (finish.response !== undefined) response.response = finish.response;
  yield { type: 'finish', result: completionResult(call, response, { modelId, costMicros, startedAt }) };
}

/** Gate, reserve, then open the stream with retries until its first part. */
async function openStream(call: CallContext, model: Parameters<typeof acquire>[1]): Promise<AttemptOutcome<Opened>> {
  const lease = await acquire(call, model);
  if (!('adapter' in lease)) return lease;
  const { adapter } = lease;
  if (typeof adapter.stream !== 'function') {
    call.deps.health.onCancel(model.id);
    skip(call, model.id, 'no_streaming');
    await releaseBudget(call, lease.reservation);
    return { ok: false, budgetRefused: false };
  }
  const outcome = await callWithRetries(
    call,
    lease,
    call.signal,
    async (trySignal) => {
      const iterator = adapter.stream!(lease.request, { signal: trySignal.signal })[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done) throw new ProviderError(`The stream from ${model.id} ended before any output`, { provider: adapter.provider, modelId: model.id, kind: 'stream_interrupted', retryable: true });
      return { iterator, first: first.value };
    },
    {
      // A stream that opened proved the model answers: its success counts (and frees a half-open
      // trial) now, not when a consumer who may walk away finishes reading.
      keepSignal: true,
      // A stream that opened after its try was given up (timed out, aborted, lost a race) is
      // closed, not left running, and what is known of it is booked.
      unclaimed: ({ iterator, first }) => {
        void Promise.resolve()
          .then(() => iterator.return?.())
          .catch(() => {});
        return openedUsage(call, lease, first);
      },
    },
  );
  if (!outcome.ok) return failAttempt(call, lease, outcome, call.signal);
  return { ok: true, value: { lease, ...outcome.value, trySignal: outcome.signal! } };
}

/** What a stream closed after its first part used: the usage it reported, else the estimated input and that part's text. */
function openedUsage(call: CallContext, lease: Lease, first: StreamPart): TokenUsage {
  if (first?.type === 'finish') return first.usage;
  const text = first?.type === 'text-delta' || first?.type === 'reasoning-delta' ? first.text : '';
  return { inputTokens: lease.reservation.estimatedInput, outputTokens: typeof text === 'string' ? call.deps.tokenEstimator.estimate(text) : 0 };
}

function badPart(lease: Lease, why: string): ProviderError {
  return new ProviderError(`${lease.adapter.provider} (${lease.model.id}) sent a malformed stream part: ${why}`, {
    provider: lease.adapter.provider,
    modelId: lease.model.id,
    kind: 'bad_response',
    retryable: false,
  });
}

/** The answer as it streams: its parts in order, for the result and for billing an early end. */
class StreamAssembly {
  private readonly parts: ResultPart[] = [];
  private consumed = '';

  add(part: StreamPart, lease: Lease): Exclude<RouterStreamPart, { type: 'start' | 'finish' }> {
    switch (part?.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        if (typeof part.text !== 'string') throw badPart(lease, `${part.type} without text`);
        const kind = part.type === 'text-delta' ? 'text' : 'reasoning';
        const last = this.parts[this.parts.length - 1];
        if (last?.type === kind) last.text += part.text;
        else this.parts.push({ type: kind, text: part.text });
        this.consumed += part.text;
        return { type: part.type, text: part.text };
      }
      case 'tool-input-start':
        return { type: part.type, id: String(part.id), toolName: String(part.toolName) };
      case 'tool-input-delta':
        this.consumed += String(part.delta);
        return { type: part.type, id: String(part.id), delta: String(part.delta) };
      case 'tool-input-end':
        return { type: part.type, id: String(part.id) };
      case 'tool-call':
        if (typeof part.toolCallId !== 'string' || typeof part.toolName !== 'string') throw badPart(lease, 'a tool-call without toolCallId or toolName');
        this.parts.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
        return { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
      default:
        throw badPart(lease, `unknown part type ${String((part as { type?: unknown } | undefined)?.type)}`);
    }
  }

  content(): ResultPart[] {
    return this.parts;
  }

  text(): string {
    return textOf(this.parts);
  }

  /** Every character received, for billing a stream that ended early. */
  consumedText(): string {
    return this.consumed;
  }
}
