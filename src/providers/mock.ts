// A scriptable provider for demos and tests: replies (text, reasoning, tool calls), usage, latency,
// HTTP-like failures and broken streams on demand, with every call recorded. Time and randomness
// are injectable. It speaks the neutral request model like the real adapters.

import { abortableSleep } from '../abortable-sleep.js';
import { ownFields } from '../own-data.js';
import { ProviderError, type ProviderErrorKind } from '../call-errors.js';
import { charsPerTokenEstimator } from '../request/token-estimator.js';
import type { FinishReason, ResultPart, StreamPart, TokenUsage, ToolCall } from '../request/types.js';
import type { CallOptions, ProviderAdapter, ProviderRequest, ProviderResponse } from './provider.js';

/** An HTTP-like failure, turned into a `ProviderError` (retryable for 408, 409, 429 and 5xx). */
export interface MockHttpError {
  status: number;
  retryAfterMs?: number;
  message?: string;
  /** The kind, when the status alone does not say (e.g. `context_length` for a 400). Default from the status. */
  kind?: ProviderErrorKind;
}

export interface MockReply {
  /** Default: the last user message's text, echoed (none when the reply calls tools). */
  text?: string;
  /** Reasoning text, before the answer. */
  reasoning?: string;
  /** Tool calls the model makes, after its text. */
  toolCalls?: ToolCall[];
  /** Default: estimated as ceil(characters / 4) for the prompt and for the reply. */
  usage?: Partial<TokenUsage>;
  /** Default `tool-calls` when the reply calls tools, else `stop`. */
  finishReason?: FinishReason;
  /** Simulated time before the reply (or the error, or the first chunk). Honours the AbortSignal. */
  latencyMs?: number;
  /** Fail instead of replying, after the latency. */
  error?: ProviderError | MockHttpError;
  /** The pieces `stream()` yields as text deltas. Default: the text split after each run of whitespace. */
  streamChunks?: string[];
  /**
   * `stream()` fails after this many parts: with kind `stream_interrupted` (not retryable) when
   * some were yielded, or as a retryable `connection` failure when 0 — like the real adapters,
   * where a stream that dies before its first part may be retried or fall back.
   */
  failAfterChunks?: number;
}

export type MockResponder = (request: ProviderRequest, callIndex: number) => MockReply | string | Promise<MockReply | string>;

/** One reply for every call, a list used in order (the last repeats), or a function. A string is `{ text }`. */
export type MockResponses = MockReply | string | ReadonlyArray<MockReply | string> | MockResponder;

export interface MockCall {
  request: ProviderRequest;
  /** From `clock`, when the call began. */
  startedAt: number;
  mode: 'complete' | 'stream';
}

export interface MockProviderOptions {
  /** The adapter's `provider` name. Default `mock`. */
  name?: string;
  responses?: MockResponses;
  /** Share of calls (0..1) that fail with a retryable HTTP 503, drawn from `random`. Default 0. */
  failureRate?: number;
  /** Default `Math.random`. */
  random?: () => number;
  /** Waits `ms`; default a timer. Inject one that resolves at once so tests need no real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default `Date.now`. */
  clock?: () => number;
  /**
   * An aborted call rejects with the signal's reason, as `fetch` does, instead of a `ProviderError`
   * of kind `abort` made for it (the simulator's races abort a call on every request). Default false.
   */
  rejectWithAbortReason?: boolean;
}

/** The mock's own token count when a reply gives none: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return charsPerTokenEstimator.estimate(text);
}

function lastUserText(request: ProviderRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i]!;
    if (message.role === 'user') return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

/** Everything the request sends as text, for the mock's usage estimate. */
function promptText(request: ProviderRequest): string {
  let text = request.system ?? '';
  for (const message of request.messages) {
    if (message.role === 'system') text += message.content;
    else for (const part of message.content) text += 'text' in part ? part.text : part.type === 'tool-call' ? JSON.stringify(part.input) : part.type === 'tool-result' ? JSON.stringify(part.output) : '';
  }
  return text;
}

function splitIntoChunks(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

export class MockProvider implements ProviderAdapter {
  readonly specificationVersion = 'v2' as const;
  readonly provider: string;
  /** A call whose latency outlasts `options.timeoutMs` fails with a retryable timeout then, as an SDK's does. */
  readonly honoursTimeoutMs = true;
  /** Every call, in order, including failed and aborted ones. */
  readonly calls: MockCall[] = [];

  private readonly options: MockProviderOptions;
  private readonly random: () => number;
  private readonly sleepFor: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly clock: () => number;

  constructor(given: MockProviderOptions = {}) {
    // The caller's own options only: nothing planted on Object.prototype is taken for one.
    const options = ownFields(given);
    this.options = options;
    this.provider = options.name ?? 'mock';
    this.random = options.random ?? Math.random;
    this.sleepFor = options.sleep ?? abortableSleep;
    this.clock = options.clock ?? Date.now;
  }

  /** Forgets the recorded calls; a list of responses starts again from its first entry. */
  reset(): void {
    this.calls.length = 0;
  }

  async complete(request: ProviderRequest, options: CallOptions = {}): Promise<ProviderResponse> {
    const reply = await this.begin(request, 'complete', options.signal, options.timeoutMs);
    const content = this.contentOf(reply, request);
    return {
      content,
      finishReason: this.finishReasonOf(reply),
      usage: this.usageOf(reply, request, content),
      response: { id: `mock-${this.calls.length}`, modelId: request.model, timestamp: this.clock() },
      raw: { mock: true, reply },
    };
  }

  async *stream(request: ProviderRequest, options: CallOptions = {}): AsyncGenerator<StreamPart> {
    const { signal } = options;
    const reply = await this.begin(request, 'stream', signal);
    const content = this.contentOf(reply, request);
    const parts: StreamPart[] = [];
    for (const part of content) {
      if (part.type === 'reasoning') parts.push({ type: 'reasoning-delta', text: part.text });
      else if (part.type === 'text') {
        for (const chunk of reply.streamChunks ?? splitIntoChunks(part.text)) parts.push({ type: 'text-delta', text: chunk });
      } else {
        const input = JSON.stringify(part.input);
        parts.push(
          { type: 'tool-input-start', id: part.toolCallId, toolName: part.toolName },
          { type: 'tool-input-delta', id: part.toolCallId, delta: input },
          { type: 'tool-input-end', id: part.toolCallId },
          { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input },
        );
      }
    }
    const failAfter = reply.failAfterChunks;
    let sent = 0;
    for (const part of parts) {
      if (failAfter !== undefined && sent >= failAfter) break;
      this.throwIfAborted(request, signal);
      yield part;
      sent++;
    }
    this.throwIfAborted(request, signal);
    if (failAfter !== undefined) {
      throw sent > 0
        ? this.error(request, `stream interrupted after ${sent} part${sent === 1 ? '' : 's'}`, { kind: 'stream_interrupted', retryable: false })
        : this.error(request, 'stream failed before its first part', { kind: 'connection', retryable: true });
    }
    yield {
      type: 'finish',
      finishReason: this.finishReasonOf(reply),
      usage: this.usageOf(reply, request, content),
      response: { modelId: request.model },
      raw: { mock: true, reply },
    };
  }

  /** Records the call, picks the reply, waits its latency, then fails if the script says so. */
  private async begin(request: ProviderRequest, mode: MockCall['mode'], signal?: AbortSignal, timeoutMs?: number): Promise<MockReply> {
    const callIndex = this.calls.length;
    this.calls.push({ request, startedAt: this.clock(), mode });
    this.throwIfAborted(request, signal);
    const reply = await this.replyFor(request, callIndex);
    if (reply.latencyMs !== undefined && reply.latencyMs > 0) {
      if (timeoutMs !== undefined && timeoutMs >= 0 && reply.latencyMs > timeoutMs) {
        await this.wait(timeoutMs, request, signal);
        throw this.error(request, `timed out after ${timeoutMs} ms`, { kind: 'timeout', retryable: true });
      }
      await this.wait(reply.latencyMs, request, signal);
    }
    this.throwIfAborted(request, signal);
    const failureRate = this.options.failureRate ?? 0;
    if (failureRate > 0 && this.random() < failureRate) {
      throw this.error(request, 'simulated failure (HTTP 503)', { status: 503 });
    }
    if (reply.error) {
      if (ProviderError.isInstance(reply.error)) throw reply.error;
      const { status, retryAfterMs, message, kind } = reply.error;
      throw this.error(request, message ?? `simulated HTTP ${status}`, {
        status,
        kind: kind ?? (status === 400 || status === 422 ? 'bad_request' : 'http'),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    return reply;
  }

  private async replyFor(request: ProviderRequest, callIndex: number): Promise<MockReply> {
    const { responses } = this.options;
    let reply: MockReply | string | undefined;
    if (typeof responses === 'function') reply = await responses(request, callIndex);
    else if (Array.isArray(responses)) reply = responses[Math.min(callIndex, responses.length - 1)];
    else reply = responses as MockReply | string | undefined;
    if (typeof reply === 'string') return { text: reply };
    return reply ?? {};
  }

  /** Sleeps, but gives up as soon as the signal aborts even if an injected `sleep` ignores it. */
  private async wait(ms: number, request: ProviderRequest, signal?: AbortSignal): Promise<void> {
    if (!signal) return this.sleepFor(ms);
    this.throwIfAborted(request, signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(this.abortOutcome(request, signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.sleepFor(ms, signal), aborted]);
    } catch (error) {
      // A sleep that honours the signal rejects in its own way: the call fails as an aborted call does.
      throw signal.aborted ? this.abortOutcome(request, signal) : error;
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private contentOf(reply: MockReply, request: ProviderRequest): ResultPart[] {
    const content: ResultPart[] = [];
    if (reply.reasoning) content.push({ type: 'reasoning', text: reply.reasoning });
    const text = reply.text ?? reply.streamChunks?.join('') ?? (reply.toolCalls?.length ? '' : lastUserText(request));
    if (text) content.push({ type: 'text', text });
    for (const call of reply.toolCalls ?? []) content.push({ type: 'tool-call', ...call });
    return content;
  }

  private finishReasonOf(reply: MockReply): FinishReason {
    return reply.finishReason ?? (reply.toolCalls?.length ? 'tool-calls' : 'stop');
  }

  private usageOf(reply: MockReply, request: ProviderRequest, content: readonly ResultPart[]): TokenUsage {
    const output = content.map((part) => ('text' in part ? part.text : JSON.stringify(part.input))).join('');
    return {
      inputTokens: reply.usage?.inputTokens ?? estimateTokens(promptText(request)),
      outputTokens: reply.usage?.outputTokens ?? estimateTokens(output),
    };
  }

  private throwIfAborted(request: ProviderRequest, signal?: AbortSignal): void {
    if (signal?.aborted) throw this.abortOutcome(request, signal);
  }

  /** What an aborted call rejects with: the signal's reason (`rejectWithAbortReason`), else a ProviderError of kind `abort`. */
  private abortOutcome(request: ProviderRequest, signal: AbortSignal): unknown {
    return this.options.rejectWithAbortReason ? signal.reason : this.abortError(request);
  }

  private abortError(request: ProviderRequest): ProviderError {
    return this.error(request, 'request was aborted', { kind: 'abort', retryable: false });
  }

  private error(
    request: ProviderRequest,
    message: string,
    details: { status?: number; retryable?: boolean; retryAfterMs?: number; kind?: ProviderErrorKind },
  ): ProviderError {
    return new ProviderError(`${this.provider} (${request.model}): ${message}`, {
      provider: this.provider,
      modelId: request.model,
      ...details,
    });
  }
}

export function createMockProvider(options?: MockProviderOptions): MockProvider {
  return new MockProvider(options);
}
