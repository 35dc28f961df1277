// An abort as the Agents SDK recognises one: a cancelled run ends the SDK's way (a streamed run is
// `cancelled`, its `completed` resolves) rather than as a failure (see framework-abort.ts).
import { asFrameworkAbort } from '../framework-abort.js';

export function asSdkAbort(error: unknown, signal: AbortSignal | undefined): unknown {
  return asFrameworkAbort(error, signal);
}
