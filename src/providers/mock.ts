// A scriptable provider for demos and tests: replies, usage, latency, HTTP-like failures and broken
// streams on demand, with every call recorded. Time and randomness are injectable.

import { abortableSleep } from '../abortable-sleep.js';
import { ProviderError } from '../errors.js';
import type {
  CallOptions,
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  StreamPart,
  TokenUsage,
} from './provider.js';

/** An HTTP-like failure, turned into a `ProviderError` (retryable for 408, 409, 429 and 5xx). */
export interface MockHttpError {
  status: number;
  retryAfterMs?: number;
  message?: string;
}

export interface MockReply {
  /** Default: the last user message, echoed. */
  text?: string;
  /** Default: estimated as ceil(characters / 4) for the prompt and for the reply. */
  usage?: Partial<TokenUsage>;
  /** Default `stop`. */
  finishReason?: FinishReason;
  toolCalls?: unknown[];
  /** Simulated time before the reply (or the error, or the first chunk). Honours the AbortSignal. */
  latencyMs?: number;
  /** Fail instead of replying, after the latency. */
  error?: ProviderError | MockHttpError;
  /** The pieces `stream()` yields. Default: the text split after each run of whitespace. */
  streamChunks?: string[];
  /**
   * `stream()` fails after this many chunks: with kind `stream_interrupted` (not retryable) when
   * some were yielded, or as a retryable `connection` failure when 0 — like the real adapters,
   * where a stream that dies before its first token may be retried or fall back.
   */
  failAfterChunks?: number;
}

export type MockResponder = (
  request: ProviderRequest,
  callIndex: number,
) => MockReply | string | Promise<MockReply | string>;

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
}

/** The provider's estimate when a reply gives no usage: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}


function lastUserText(request: ProviderRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

function promptText(request: ProviderRequest): string {
  return (request.system ?? '') + request.messages.map((message) => message.content).join('');
}

function splitIntoChunks(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

export class MockProvider implements ProviderAdapter {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  /** Every call, in order, including failed and aborted ones. */
  readonly calls: MockCall[] = [];

  private readonly options: MockProviderOptions;
  private readonly random: () => number;
  private readonly sleepFor: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly clock: () => number;

  constructor(options: MockProviderOptions = {}) {
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
    const reply = await this.begin(request, 'complete', options.signal);
    const text = this.textOf(reply, request);
    return {
      text,
      finishReason: reply.finishReason ?? 'stop',
      usage: this.usageOf(reply, request, text),
      ...(reply.toolCalls ? { toolCalls: reply.toolCalls } : {}),
      raw: { mock: true, reply },
    };
  }

  async *stream(request: ProviderRequest, options: CallOptions = {}): AsyncGenerator<StreamPart> {
    const { signal } = options;
    const reply = await this.begin(request, 'stream', signal);
    const text = this.textOf(reply, request);
    const chunks = reply.streamChunks ?? splitIntoChunks(text);
    const failAfter = reply.failAfterChunks;
    let sent = 0;
    for (const chunk of chunks) {
      if (failAfter !== undefined && sent >= failAfter) break;
      this.throwIfAborted(request, signal);
      yield { type: 'text-delta', text: chunk };
      sent++;
    }
    this.throwIfAborted(request, signal);
    if (failAfter !== undefined) {
      throw sent > 0
        ? this.error(request, `stream interrupted after ${sent} chunk${sent === 1 ? '' : 's'}`, {
            kind: 'stream_interrupted',
            retryable: false,
          })
        : this.error(request, 'stream failed before its first chunk', { kind: 'connection', retryable: true });
    }
    yield {
      type: 'finish',
      finishReason: reply.finishReason ?? 'stop',
      usage: this.usageOf(reply, request, chunks.join('')),
      raw: { mock: true, reply },
    };
  }

  /** Records the call, picks the reply, waits its latency, then fails if the script says so. */
  private async begin(request: ProviderRequest, mode: MockCall['mode'], signal?: AbortSignal): Promise<MockReply> {
    const callIndex = this.calls.length;
    this.calls.push({ request, startedAt: this.clock(), mode });
    this.throwIfAborted(request, signal);
    const reply = await this.replyFor(request, callIndex);
    if (reply.latencyMs !== undefined && reply.latencyMs > 0) await this.wait(reply.latencyMs, request, signal);
    this.throwIfAborted(request, signal);
    const failureRate = this.options.failureRate ?? 0;
    if (failureRate > 0 && this.random() < failureRate) {
      throw this.error(request, 'simulated failure (HTTP 503)', { status: 503 });
    }
    if (reply.error) {
      if (ProviderError.isInstance(reply.error)) throw reply.error;
      const { status, retryAfterMs, message } = reply.error;
      throw this.error(request, message ?? `simulated HTTP ${status}`, {
        status,
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
      onAbort = () => reject(this.abortError(request));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.sleepFor(ms, signal), aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private textOf(reply: MockReply, request: ProviderRequest): string {
    return reply.text ?? lastUserText(request);
  }

  private usageOf(reply: MockReply, request: ProviderRequest, text: string): TokenUsage {
    return {
      inputTokens: reply.usage?.inputTokens ?? estimateTokens(promptText(request)),
      outputTokens: reply.usage?.outputTokens ?? estimateTokens(text),
    };
  }

  private throwIfAborted(request: ProviderRequest, signal?: AbortSignal): void {
    if (signal?.aborted) throw this.abortError(request);
  }

  private abortError(request: ProviderRequest): ProviderError {
    return this.error(request, 'request was aborted', { kind: 'abort', retryable: false });
  }

  private error(
    request: ProviderRequest,
    message: string,
    details: { status?: number; retryable?: boolean; retryAfterMs?: number; kind?: string },
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
