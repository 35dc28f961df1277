// Calling an AI SDK model of any specification version (V2, V3, V4) with V3 call options and
// reading its answer as V3, the shape the router model returns. V2 takes V3 options as they are
// (as the SDK itself passes them) and answers with a string finish reason and flat usage; V4 wants
// its file data as `{ type: 'data' | 'url' }` and adds parts V3 has no place for, which are dropped.
import type {
  LanguageModelV2,
  LanguageModelV2CallWarning,
  LanguageModelV2FinishReason,
  LanguageModelV2StreamPart,
  LanguageModelV2Usage,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4StreamPart,
  SharedV3Warning,
  SharedV4Warning,
} from '@ai-sdk/provider';

/**
 * An AI SDK language model of specification V2, V3 or V4 (e.g. `createOpenAI(...).chat('gpt-4o')`).
 * Typed by its shape so this package's types do not depend on one `@ai-sdk/provider` major.
 */
export interface AiSdkLanguageModel {
  readonly specificationVersion: 'v2' | 'v3' | 'v4';
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

export function isAiSdkLanguageModel(value: unknown): value is AiSdkLanguageModel {
  const model = value as Partial<AiSdkLanguageModel> | null;
  return (
    typeof model === 'object' && model !== null &&
    (model.specificationVersion === 'v2' || model.specificationVersion === 'v3' || model.specificationVersion === 'v4') &&
    typeof model.doGenerate === 'function' && typeof model.doStream === 'function'
  );
}

export async function generateWith(model: AiSdkLanguageModel, options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
  switch (model.specificationVersion) {
    case 'v3':
      return (model as unknown as LanguageModelV3).doGenerate(options);
    case 'v2': {
      const result = await (model as unknown as LanguageModelV2).doGenerate(options as never);
      return {
        ...result,
        content: result.content as LanguageModelV3Content[],
        finishReason: v2FinishReason(result.finishReason),
        usage: v2Usage(result.usage),
        warnings: result.warnings.map(v2Warning),
      } as LanguageModelV3GenerateResult;
    }
    case 'v4': {
      const result = await (model as unknown as LanguageModelV4).doGenerate(toV4Options(options, model.provider));
      const { structuredOutputText: _text, ...rest } = result;
      return {
        ...rest,
        content: result.content.flatMap(v4Content),
        finishReason: v4FinishReason(result.finishReason),
        warnings: result.warnings.map(v4Warning),
      } as LanguageModelV3GenerateResult;
    }
  }
}

export async function streamWith(model: AiSdkLanguageModel, options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
  switch (model.specificationVersion) {
    case 'v3':
      return (model as unknown as LanguageModelV3).doStream(options);
    case 'v2': {
      const result = await (model as unknown as LanguageModelV2).doStream(options as never);
      return { ...result, stream: result.stream.pipeThrough(mapParts<LanguageModelV2StreamPart>(v2Part)) };
    }
    case 'v4': {
      const result = await (model as unknown as LanguageModelV4).doStream(toV4Options(options, model.provider));
      return { ...result, stream: result.stream.pipeThrough(mapParts<LanguageModelV4StreamPart>(v4Part)) };
    }
  }
}

function mapParts<T>(map: (part: T) => LanguageModelV3StreamPart | undefined): TransformStream<T, LanguageModelV3StreamPart> {
  return new TransformStream({
    transform(part, controller) {
      const mapped = map(part);
      if (mapped) controller.enqueue(mapped);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// V2

function v2FinishReason(reason: LanguageModelV2FinishReason): LanguageModelV3FinishReason {
  return { unified: reason === 'unknown' ? 'other' : reason, raw: undefined };
}

function v2Usage(usage: LanguageModelV2Usage): LanguageModelV3Usage {
  return {
    inputTokens: { total: usage.inputTokens, noCache: undefined, cacheRead: usage.cachedInputTokens, cacheWrite: undefined },
    outputTokens: { total: usage.outputTokens, text: undefined, reasoning: usage.reasoningTokens },
  };
}

function v2Warning(warning: LanguageModelV2CallWarning): SharedV3Warning {
  switch (warning.type) {
    case 'unsupported-setting':
      return { type: 'unsupported', feature: String(warning.setting), ...(warning.details !== undefined ? { details: warning.details } : {}) };
    case 'unsupported-tool':
      return { type: 'unsupported', feature: `tool ${warning.tool.name}`, ...(warning.details !== undefined ? { details: warning.details } : {}) };
    default:
      return { type: 'other', message: warning.message };
  }
}

function v2Part(part: LanguageModelV2StreamPart): LanguageModelV3StreamPart {
  switch (part.type) {
    case 'finish':
      return { ...part, finishReason: v2FinishReason(part.finishReason), usage: v2Usage(part.usage) } as LanguageModelV3StreamPart;
    case 'stream-start':
      return { type: 'stream-start', warnings: part.warnings.map(v2Warning) };
    default:
      return part as LanguageModelV3StreamPart;
  }
}

// ---------------------------------------------------------------------------------------------
// V4

/** V3 options as V4: file data wrapped (`{ type: 'data' | 'url' }`), tool-result files as V4 `file` items. */
export function toV4Options(options: LanguageModelV3CallOptions, modelProvider: string): LanguageModelV4CallOptions {
  // A V3 file id without a provider is taken to be for this model's provider (`openai.chat` → `openai`).
  const provider = modelProvider.split('.')[0] ?? modelProvider;
  const prompt = options.prompt.map((message) => {
    if (message.role === 'system') return message;
    const content = message.content.map((part) => {
      if (part.type === 'file') return { ...part, data: v4FileData(part.data) };
      if (part.type === 'tool-result' && part.output.type === 'content') {
        return { ...part, output: { ...part.output, value: part.output.value.map((item) => v4ContentItem(item, provider)) } };
      }
      return part;
    });
    return { ...message, content };
  });
  return { ...options, prompt } as LanguageModelV4CallOptions;
}

function v4FileData(data: unknown): unknown {
  if (typeof data === 'string' || data instanceof Uint8Array) return { type: 'data', data };
  if (data instanceof URL) return { type: 'url', url: data };
  // Already V4 data the SDK passed through (`reference`, `text`).
  return data;
}

function v4ContentItem(item: { type: string; [key: string]: unknown }, provider: string): unknown {
  const { providerOptions } = item;
  const keep = providerOptions !== undefined ? { providerOptions } : {};
  switch (item.type) {
    case 'file-data':
    case 'image-data':
      return { type: 'file', data: { type: 'data', data: item['data'] }, mediaType: item['mediaType'], ...(item['filename'] !== undefined ? { filename: item['filename'] } : {}), ...keep };
    case 'file-url':
    case 'image-url':
      return { type: 'file', data: { type: 'url', url: new URL(String(item['url'])) }, mediaType: item.type === 'image-url' ? 'image/*' : 'application/octet-stream', ...keep };
    case 'file-id':
    case 'image-file-id': {
      const fileId = item['fileId'];
      const reference = typeof fileId === 'string' ? { [provider]: fileId } : fileId;
      return { type: 'file', data: { type: 'reference', reference }, mediaType: item.type === 'image-file-id' ? 'image/*' : 'application/octet-stream', ...keep };
    }
    default:
      return item;
  }
}

function v4FinishReason(reason: { unified: string; raw: string | undefined }): LanguageModelV3FinishReason {
  const unified = reason.unified === 'interrupted' ? 'other' : (reason.unified as LanguageModelV3FinishReason['unified']);
  return { unified, raw: reason.raw };
}

function v4Warning(warning: SharedV4Warning): SharedV3Warning {
  return warning.type === 'deprecated' ? { type: 'other', message: `${warning.setting}: ${warning.message}` } : warning;
}

/** V4 content as V3: file data unwrapped; custom content, reasoning files and URL files have no V3 form. */
function v4Content(content: LanguageModelV4Content): LanguageModelV3Content[] {
  switch (content.type) {
    case 'file':
      return content.data.type === 'data' ? [{ ...content, data: content.data.data }] : [];
    case 'custom':
    case 'reasoning-file':
      return [];
    case 'text': {
      const { citations: _citations, ...text } = content;
      return [text];
    }
    default:
      return [content as LanguageModelV3Content];
  }
}

function v4Part(part: LanguageModelV4StreamPart): LanguageModelV3StreamPart | undefined {
  switch (part.type) {
    case 'ping':
    case 'custom':
    case 'reasoning-file':
      return undefined;
    case 'file':
      return part.data.type === 'data' ? { ...part, data: part.data.data } : undefined;
    case 'finish':
      return { ...part, finishReason: v4FinishReason(part.finishReason) };
    case 'stream-start':
      return { type: 'stream-start', warnings: part.warnings.map(v4Warning) };
    case 'text-end': {
      const { citations: _citations, ...end } = part;
      return end;
    }
    case 'tool-input-start': {
      const { inputEncoding: _encoding, ...start } = part;
      return start;
    }
    default:
      return part as LanguageModelV3StreamPart;
  }
}
