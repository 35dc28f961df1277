// Privacy edges of the router: finding PII in a task, and estimating its size in tokens.

export {
  collectTaskText,
  createRegexPiiDetector,
  defaultPiiDetector,
  type CollectTaskTextOptions,
  type PiiDetector,
  type PiiFinding,
  type PiiKind,
  type RegexPiiDetectorOptions,
} from './pii-detector.js';
export { charsPerTokenEstimator, createCharsPerTokenEstimator, type TokenEstimator } from './token-estimator.js';
