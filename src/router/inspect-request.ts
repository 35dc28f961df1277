// What the router reads of a request before deciding: whether what would be sent holds PII (the
// scan fails closed on anything it cannot read), how many input tokens it is, and what it needs of
// a model. One pass collects the text for both the scan and the estimate.
import type { PiiDetector } from '../privacy/pii-detector.js';
import { TextCollector, type ScanLimits } from '../request/collect-text.js';
import { requestFeatures } from '../request/request-features.js';
import type { TokenEstimator } from '../request/token-estimator.js';
import type { FeatureSet, NormalizedRequest } from '../request/types.js';
import { readOwn } from '../own-data.js';
import type { CompiledConfig } from '../routing/compile-config.js';
import type { Task } from '../routing/types.js';

/** Tokens counted for an image or a binary file: about what a large image costs on the cloud APIs. */
export const MEDIA_TOKEN_ESTIMATE = 1600;

export interface RequestInspection {
  containsPii: boolean | undefined;
  piiReason: string | undefined;
  inputTokens: number;
  inputTokensSource: 'task' | 'text' | 'default';
  outputTokens: number;
  outputLimit: number | undefined;
  requires: FeatureSet | undefined;
}

export interface Inspector {
  compiled: CompiledConfig;
  piiDetector: PiiDetector;
  tokenEstimator: TokenEstimator;
  scanLimits: ScanLimits;
}

export function inspectRequest(inspector: Inspector, task: Task, request: NormalizedRequest | undefined): RequestInspection {
  const { compiled } = inspector;
  // `task` is the router's own copy of the task (checkTask): data fields only, and every field the
  // router reads its own (undefined when absent), so they are read by name; what they hold is the
  // host's and read without running it.
  const { data, prompt, messages } = task;
  const asserted = typeof data === 'object' && data !== null && readOwn(data, 'contains_pii') === true;
  const givenInput = task.estimated_tokens;
  const givenOutput = task.max_output_tokens;
  const scan = compiled.readsPii && !asserted;
  const estimate = !isCount(givenInput);

  // Most tasks routed alone send nothing (no request, prompt, messages or data): nothing to collect.
  let collector: TextCollector | undefined;
  if ((request !== undefined || data !== undefined || prompt !== undefined || messages !== undefined) && (scan || estimate)) {
    collector = new TextCollector(inspector.scanLimits);
    if (request) collector.request(request);
    collector.taskCopy(prompt, messages, data);
  }

  let containsPii: boolean | undefined;
  let piiReason: string | undefined;
  if (asserted) {
    containsPii = true;
    piiReason = 'the task says data.contains_pii';
  } else if (scan) {
    if (collector) ({ containsPii, piiReason } = scanCollected(inspector, collector));
    else containsPii = false;
  }

  let inputTokens: number;
  let inputTokensSource: RequestInspection['inputTokensSource'];
  if (!estimate) {
    inputTokens = givenInput as number;
    inputTokensSource = 'task';
  } else if (request !== undefined || prompt !== undefined || messages !== undefined) {
    inputTokens = collector!.media * MEDIA_TOKEN_ESTIMATE;
    for (const text of collector!.texts) inputTokens += inspector.tokenEstimator.estimate(text);
    inputTokensSource = 'text';
  } else {
    inputTokens = compiled.defaults.inputTokens;
    inputTokensSource = 'default';
  }

  const maxTokens = request?.maxTokens;
  const outputLimit = maxTokens ?? (isCount(givenOutput) ? givenOutput : undefined);
  return {
    containsPii,
    piiReason,
    inputTokens,
    inputTokensSource,
    outputTokens: isCount(givenOutput) ? givenOutput : (maxTokens ?? compiled.defaults.outputTokens),
    outputLimit,
    requires: request ? requestFeatures(request) : undefined,
  };
}

/** Why `request` must stay local, or undefined when it may leave: for anything sent besides the routed request (a verification). */
export function privacyReasonOf(inspector: Inspector, request: NormalizedRequest): string | undefined {
  const collector = new TextCollector(inspector.scanLimits);
  collector.request(request);
  return scanCollected(inspector, collector).piiReason;
}

function scanCollected(inspector: Inspector, collector: TextCollector): { containsPii: boolean; piiReason: string | undefined } {
  if (collector.incomplete !== undefined) return { containsPii: true, piiReason: `the scan could not read everything, so it counts as PII: ${collector.incomplete}` };
  if (inspector.compiled.unscannableMediaLocal && collector.media > 0) {
    return { containsPii: true, piiReason: 'the request carries an image or binary file, which cannot be scanned (privacy.unscannable_media: local_only)' };
  }
  if (collector.texts.length === 0) return { containsPii: false, piiReason: undefined };
  // One scan over all the text: the separator belongs to no identifier, so nothing matches across it.
  const text = collector.texts.join('\n');
  const { piiDetector } = inspector;
  const found = piiDetector.containsPii ? piiDetector.containsPii(text) : piiDetector.detect(text).length > 0;
  if (!found) return { containsPii: false, piiReason: undefined };
  // Name the kinds found, never the values.
  const kinds = [...new Set(piiDetector.detect(text).map((finding) => finding.kind))];
  return { containsPii: true, piiReason: `the PII scan found ${kinds.length > 0 ? kinds.join(', ') : 'personal data'}` };
}

/** A token count the router can price: a finite, non-negative number. Anything else is ignored. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
