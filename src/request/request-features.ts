// What a request needs of the model that serves it, beyond text: routing treats each as a hard
// constraint, so a request with tools never goes to a model that cannot call them.
import type { FeatureSet, NormalizedRequest } from './types.js';

export function requestFeatures(request: NormalizedRequest): FeatureSet {
  let images = false;
  let files = false;
  let toolHistory = false;
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    if (message.role === 'tool') {
      toolHistory = true;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'image') images = true;
      else if (part.type === 'file') {
        if (part.mediaType.startsWith('image/')) images = true;
        else files = true;
      } else if (part.type === 'tool-call') toolHistory = true;
    }
  }
  return {
    // A conversation that already holds tool calls needs a model that can read them.
    tools: (request.tools !== undefined && request.tools.length > 0) || toolHistory,
    images,
    files,
    jsonSchema: request.responseFormat?.type === 'json' && request.responseFormat.schema !== undefined,
  };
}

export const FEATURE_NAMES: Readonly<Record<keyof FeatureSet, string>> = {
  tools: 'tool calling',
  images: 'image input',
  files: 'file input',
  jsonSchema: 'JSON-schema output',
};

/** The first feature `requires` asks for that `supports` lacks, if any. */
export function missingFeature(supports: FeatureSet, requires: FeatureSet): keyof FeatureSet | undefined {
  for (const feature of Object.keys(FEATURE_NAMES) as (keyof FeatureSet)[]) {
    if (requires[feature] && !supports[feature]) return feature;
  }
  return undefined;
}
