// Helpers every benchmark file shares: whether it runs as the main script, and the median of a
// tinybench task in nanoseconds.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** The median latency of a finished tinybench task, in ns (NaN when it did not run). */
export function medianNs(task: { result?: unknown }): number {
  const result = task.result as { latency?: { p50: number } } | undefined;
  return (result?.latency?.p50 ?? Number.NaN) * 1e6;
}
