// What the spans and the metrics need to know of each try an operation made: which provider and
// model name it went to, when it ran, whether it is the try that served, whether it checked another's
// answer, and how it failed. Worked out once per operation from the attempts and the outcome.
import { type AttemptRecord, ProviderError, RequestAbortedError, StreamInterruptedError } from '../call-errors.js';
import type { ObservedEnd, ObservedOperation } from '../execution/call-observer.js';
import { errorType } from './error-type.js';

export interface TryView {
  attempt: AttemptRecord;
  /** The provider's name (`anthropic`, `openai`, `local`, ...), when it can be told. */
  provider: string | undefined;
  /** The model the request went to, as GenAI spans name it. */
  requestModel: string;
  /** The model the provider said answered (the served try only). */
  responseModel: string;
  /** Epoch ms on the router's clock. */
  startedAt: number;
  endedAt: number;
  /** Whether this is the try whose answer the caller got. */
  served: boolean;
  /** Whether this try checked the served answer (the seed's `quality_assurance` verification). */
  verification: boolean;
  /** Whether the router ended it because another model answered first: not a failure. */
  lostRace: boolean;
  /** How the try failed, when it did. */
  failed: boolean;
  error: unknown;
  errorType: string | undefined;
}

/** The tries (skipped models left out, see `skippedModels`), in the order they were made. */
export function describeTries(operation: ObservedOperation, end: ObservedEnd): TryView[] {
  const { result, decision } = end;
  const tries = end.attempts.filter((attempt) => attempt.skipped === undefined);
  // The first try of the serving model that succeeded; a verifier's tries come after it.
  const servedIndex = result ? tries.findIndex((attempt) => attempt.ok && attempt.modelId === result.modelId) : -1;
  // A stream's try is recorded when its first part arrives, but the answer flows until the stream
  // ends: the try that opened it (the last that succeeded) lasts as long, and fails with it.
  const streamIndex = operation === 'stream' ? findLastIndex(tries, (attempt) => attempt.ok) : -1;
  const streamCut = streamIndex >= 0 && (StreamInterruptedError.isInstance(end.error) || RequestAbortedError.isInstance(end.error));
  return tries.map((attempt, index) => {
    const served = index === servedIndex;
    // Within the operation's own span, whatever an injected clock did in between.
    const endedAt = Math.min(end.endedAt, index === streamIndex ? end.endedAt : (attempt.startedAt ?? end.startedAt) + Math.max(0, attempt.durationMs));
    const startedAt = Math.min(Math.max(attempt.startedAt ?? end.startedAt, end.startedAt), endedAt);
    const cut = streamCut && index === streamIndex;
    const lostRace = attempt.raceLost === true;
    const failed = (!attempt.ok && !lostRace) || cut;
    // The stream's own failure is the cause the router wrapped (a provider error, a timeout).
    const error = cut ? (streamCauseOf(end.error) ?? end.error) : attempt.error;
    return {
      attempt,
      provider: providerOf(attempt, end),
      requestModel: attempt.providerModelId ?? attempt.modelId,
      responseModel: (served && result?.responseModelId) || attempt.modelId,
      startedAt,
      endedAt,
      served,
      verification: servedIndex >= 0 && index > servedIndex && decision?.verification?.modelId === attempt.modelId,
      lostRace,
      failed,
      error: failed ? error : undefined,
      errorType: failed ? errorType(error) : undefined,
    };
  });
}

/** The models the router passed over without calling them, and why (`circuit_open`, `budget`, ...). */
export function skippedModels(end: ObservedEnd): AttemptRecord[] {
  return end.attempts.filter((attempt) => attempt.skipped !== undefined);
}

/**
 * An AttemptRecord names the model by its router id only; the provider is known for the served
 * model (the result), the decided one (the decision) and a failed one (its ProviderError).
 */
function providerOf(attempt: AttemptRecord, end: ObservedEnd): string | undefined {
  if (attempt.provider !== undefined) return attempt.provider;
  if (end.result && attempt.modelId === end.result.modelId) return end.result.provider;
  if (end.decision && attempt.modelId === end.decision.modelId) return end.decision.provider;
  return ProviderError.isInstance(attempt.error) ? attempt.error.provider : undefined;
}

function streamCauseOf(error: unknown): unknown {
  return StreamInterruptedError.isInstance(error) && ProviderError.isInstance(error.cause) ? error.cause : undefined;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
