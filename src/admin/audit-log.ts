// The admin API's audit log: the last `limit` changes in memory, newest last, each also handed to the
// host's `onAudit` (to keep them durably).
import type { AdminAuditEntry } from './admin-types.js';

export class AuditLog {
  private readonly entries: AdminAuditEntry[] = [];

  constructor(
    private readonly limit: number,
    private readonly onAudit: ((entry: AdminAuditEntry) => unknown) | undefined,
  ) {}

  append(entry: AdminAuditEntry): void {
    if (this.limit > 0) {
      this.entries.push(entry);
      // Trimmed in batches, so appending stays O(1) amortised at the limit.
      if (this.entries.length > this.limit * 2 || this.entries.length > this.limit + 1024) {
        this.entries.splice(0, this.entries.length - this.limit);
      }
    }
    try {
      // The change is already made: a failing sink — synchronous or not — must not turn it into an error response.
      ignoreRejection(this.onAudit?.({ ...entry }));
    } catch {
      // as above
    }
  }

  /** The newest `count` entries (all kept when absent), oldest first; copies. */
  list(count?: number): AdminAuditEntry[] {
    const kept = this.entries.slice(-this.limit);
    const shown = count === undefined ? kept : count === 0 ? [] : kept.slice(-count);
    return shown.map((entry) => ({ ...entry }));
  }
}

/** A host hook may return a promise: its rejection is ignored, never an unhandled rejection. */
export function ignoreRejection(value: unknown): void {
  try {
    if (typeof (value as { then?: unknown } | null)?.then === 'function') (value as PromiseLike<unknown>).then(undefined, () => {});
  } catch {
    // a hostile thenable
  }
}
