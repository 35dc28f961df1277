// The contract every scanner follows: it reports each candidate of its kind in the order found,
// and stops as soon as the report asks it to (the fast path wants only the first finding).
import type { PiiKind } from '../../../../src/privacy/pii-types.js';

/** Reports a candidate; returns true to stop the scan (the fast path stops at the first). */
export type Report = (index: number, length: number) => boolean;
/** Scans `text` and reports each finding of one kind; returns true if `report` asked to stop. */
export type Scanner = (text: string, report: Report) => boolean;

/** A report that also names the kind, for passes that run several scanners. */
export type KindReport = (kind: PiiKind, index: number, length: number) => boolean;

/** One scanner made of several of the same kind, run one after the other. */
export function inTurn(...scanners: readonly Scanner[]): Scanner {
  return (text, report) => scanners.some((scan) => scan(text, report));
}
