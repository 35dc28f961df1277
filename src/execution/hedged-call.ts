// `parallel_requests`: the first models of the chain are called at once through the attempt
// pipeline; the first success wins, the others are aborted (each keeps its reservation until its
// provider call settles: an answer that comes anyway is booked against it), and only a caller's
// abort ends the whole call. The models raced are the decision's, so they satisfy every
// hard constraint, and the pipeline's gate checks again.
import { RequestAbortedError } from '../call-errors.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { AttemptOutcome, CallContext } from './call-context.js';
import type { Hedge } from './fallback-chain.js';
import { RACE_LOST } from './try-signal.js';

export function hedgeWith<T>(call: CallContext, attempt: (model: CompiledModel, signal: AbortSignal) => Promise<AttemptOutcome<T>>): Hedge<T> {
  return async (models) => {
    const { signal } = call;
    // One signal for the whole race: once a model has won, aborting it ends every other try (the
    // winner's is over), so a controller per model would only cost more.
    const race = new AbortController();
    const onAbort = () => race.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const runs = models.map((model, index) => attempt(model, race.signal).then((outcome) => ({ outcome, model, index })));
      const outcomes: AttemptOutcome<T>[] = [];
      const pending = new Set(runs);
      while (pending.size > 0) {
        const settled = await Promise.race(pending);
        pending.delete(runs[settled.index]!);
        if (settled.outcome.ok) {
          race.abort(RACE_LOST);
          // The losers' attempts end (their tries given up) before the winner is returned; one that
          // failed outright (the ledger, say) does not undo the win.
          await Promise.allSettled(pending);
          return { winner: settled.outcome.value, modelId: settled.model.id };
        }
        // A loser's abort is ours, not the caller's: only a caller abort (or a rejected request) is fatal.
        const ours = !signal?.aborted && RequestAbortedError.isInstance(settled.outcome.fatal);
        outcomes.push(ours ? { ...settled.outcome, fatal: undefined } : settled.outcome);
      }
      return { outcomes };
    } catch (error) {
      // An attempt that failed outright (the ledger, say) ends the call: the other models' calls end
      // with it rather than run on for nothing.
      race.abort(RACE_LOST);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
}
