// Privacy edges of the router: finding PII in the text a request would send.

export { collectTaskText, type CollectTaskTextOptions } from './collect-task-text.js';
export { type PiiAllowList, withPiiAllowList } from './pii-allow-list.js';
export {
  createRegexPiiDetector,
  defaultPiiDetector,
  type PiiDetector,
  type PiiFinding,
  type PiiKind,
  type RegexPiiDetectorOptions,
} from './pii-detector.js';
