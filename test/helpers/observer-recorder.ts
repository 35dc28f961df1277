// A RouterObserver that records what it is told: each operation, how many decisions, and its ends.
import type { ObservedEnd, ObservedOperation, RouterObserver } from '../../src/index.js';

export interface RecordedOperation {
  operation: ObservedOperation;
  agentId: string;
  decided: number;
  ends: ObservedEnd[];
}

export function observerRecorder(): { log: RecordedOperation[]; observer: RouterObserver } {
  const log: RecordedOperation[] = [];
  const observer: RouterObserver = {
    start(operation, agentId) {
      const entry: RecordedOperation = { operation, agentId, decided: 0, ends: [] };
      log.push(entry);
      return { decided: () => void entry.decided++, end: (outcome) => void entry.ends.push(outcome) };
    },
  };
  return { log, observer };
}
