// Privacy edges of the router: finding PII in the text a request would send.

export { type PiiAllowList, withPiiAllowList } from './pii-allow-list.js';
export {
  createRegexPiiDetector,
  defaultPiiDetector,
  type PiiDetector,
  type PiiFinding,
  type PiiKind,
  type RegexPiiDetectorOptions,
} from './pii-detector.js';
