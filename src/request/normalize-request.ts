// Checks a caller's request and copies it into the neutral form adapters receive: string contents
// become parts, shorthands are expanded, and every value is plain data. The copy is scanned for PII
// and sent, so what is checked is exactly what leaves. Bad input gets an `InvalidArgumentError`
// naming the path (`request.messages[2].content[0].toolCallId`).
import { InvalidArgumentError } from '../errors.js';
import { isArrayValue, objectKind, ownChildren, ownKeys, ownSlot } from '../own-data.js';
import { copyJson } from './copy-json.js';
import type {
  AssistantContentPart,
  DataContent,
  NormalizedMessage,
  NormalizedRequest,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  ToolResultOutput,
  ToolResultPart,
  UserContentPart,
} from './types.js';

const TOOL_OUTPUT_TYPES = new Set(['text', 'json', 'error-text', 'error-json', 'content']);

/** Fails with the path and what was expected. */
function fail(path: string, expected: string): never {
  throw new InvalidArgumentError(path, expected);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isArrayValue(value);
}

/** An own data property of the caller's object; a getter is refused, never run. */
function field(source: object, key: string, path = 'request'): unknown {
  const slot = ownSlot(source, key);
  if (slot.kind === 'accessor') fail(`${path}.${key}`, 'an accessor property (getter) is not read; pass plain data');
  return slot.kind === 'data' && typeof slot.value !== 'function' ? slot.value : undefined;
}

function stringField(source: object, key: string, path: string, optional = false): string | undefined {
  const value = field(source, key, path);
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') fail(`${path}.${key}`, 'expected a string');
  return value;
}

/** More items in one list (messages, parts, tools) are refused: a sparse array can claim 2^32 - 1. */
const MAX_ITEMS = 100_000;

function arrayOf(value: unknown, path: string, what: string): unknown[] {
  if (!isArrayValue(value)) fail(path, `expected an array of ${what}`);
  const length = ownChildren(value);
  if (typeof length !== 'number' || length > MAX_ITEMS) fail(path, `expected at most ${MAX_ITEMS} ${what}`);
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const slot = ownSlot(value, i);
    if (slot.kind === 'accessor') fail(`${path}[${i}]`, 'an accessor property (getter) is not read; pass plain data');
    out.push(slot.kind === 'data' ? slot.value : undefined);
  }
  return out;
}

/**
 * A normalised request of `messages` and nothing else yet. Every field a request can have is its
 * own, undefined when not given: what reads it (the PII scan, the answers cache, the adapters, a
 * host's own adapter) never reaches a value planted on Object.prototype — a `system` prompt, `tools`
 * or `providerOptions` for every request.
 */
export function requestOf(messages: NormalizedMessage[]): NormalizedRequest {
  return {
    messages,
    system: undefined,
    tools: undefined,
    toolChoice: undefined,
    responseFormat: undefined,
    maxTokens: undefined,
    temperature: undefined,
    topP: undefined,
    stop: undefined,
    seed: undefined,
    headers: undefined,
    providerOptions: undefined,
  } satisfies Record<keyof NormalizedRequest, unknown>;
}

/** Validates `input` as a `CompletionRequest` and returns its normalised, plain-data copy. */
export function normalizeRequest(input: unknown): NormalizedRequest {
  if (!isObject(input)) fail('request', 'expected { messages: [...] }');
  const messages = arrayOf(field(input, 'messages'), 'request.messages', 'messages');
  if (messages.length === 0) fail('request.messages', 'expected at least one message');
  const toolCallNames = new Map<string, string>();
  const out = requestOf(messages.map((message, index) => normalizeMessage(message, `request.messages[${index}]`, toolCallNames)));

  const system = field(input, 'system');
  if (system !== undefined) {
    if (typeof system !== 'string') fail('request.system', 'expected a string');
    out.system = system;
  }
  const tools = field(input, 'tools');
  if (tools !== undefined) out.tools = arrayOf(tools, 'request.tools', 'tools').map((tool, i) => normalizeTool(tool, `request.tools[${i}]`));
  const toolChoice = field(input, 'toolChoice');
  if (toolChoice !== undefined) out.toolChoice = normalizeToolChoice(toolChoice, out.tools);
  const responseFormat = field(input, 'responseFormat');
  if (responseFormat !== undefined) out.responseFormat = normalizeResponseFormat(responseFormat);

  const maxTokens = field(input, 'maxTokens');
  if (maxTokens !== undefined) {
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) fail('request.maxTokens', 'expected a positive integer');
    out.maxTokens = maxTokens;
  }
  const temperature = field(input, 'temperature');
  if (temperature !== undefined) {
    if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) fail('request.temperature', 'expected a number >= 0');
    out.temperature = temperature;
  }
  const topP = field(input, 'topP');
  if (topP !== undefined) {
    if (typeof topP !== 'number' || !(topP >= 0 && topP <= 1)) fail('request.topP', 'expected a number in 0..1');
    out.topP = topP;
  }
  const seed = field(input, 'seed');
  if (seed !== undefined) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('request.seed', 'expected an integer');
    out.seed = seed;
  }
  const stop = field(input, 'stop');
  if (stop !== undefined) {
    const list = typeof stop === 'string' ? [stop] : arrayOf(stop, 'request.stop', 'strings');
    out.stop = list.map((item, i) => (typeof item === 'string' ? item : fail(`request.stop[${i}]`, 'expected a string')));
  }
  const headers = field(input, 'headers');
  if (headers !== undefined) out.headers = normalizeHeaders(headers);
  const providerOptions = field(input, 'providerOptions');
  if (providerOptions !== undefined) {
    if (!isObject(providerOptions)) fail('request.providerOptions', 'expected options keyed by provider: { openai: {...}, anthropic: {...} }');
    const copy = copyJson(providerOptions, 'request.providerOptions') as Record<string, unknown>;
    for (const [name, options] of Object.entries(copy)) {
      if (!isObject(options)) fail(`request.providerOptions.${name}`, 'expected an object of options for that provider');
    }
    out.providerOptions = copy as NormalizedRequest['providerOptions'] & object;
  }
  return out;
}

function normalizeMessage(message: unknown, path: string, toolCallNames: Map<string, string>): NormalizedMessage {
  if (!isObject(message)) fail(path, "expected a message { role: 'system' | 'user' | 'assistant' | 'tool', content }");
  const role = field(message, 'role', path);
  const content = field(message, 'content', path);
  const name = stringField(message, 'name', path, true);
  const named = name !== undefined ? { name } : {};
  switch (role) {
    case 'system':
      if (typeof content !== 'string') fail(`${path}.content`, 'expected a string');
      return { role, content };
    case 'user':
      return { role, content: typeof content === 'string' ? [{ type: 'text', text: content }] : arrayOf(content, `${path}.content`, 'parts').map((part, i) => userPart(part, `${path}.content[${i}]`)), ...named };
    case 'assistant': {
      const parts = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : arrayOf(content, `${path}.content`, 'parts').map((part, i) => assistantPart(part, `${path}.content[${i}]`));
      for (const part of parts) if (part.type === 'tool-call') toolCallNames.set(part.toolCallId, part.toolName);
      return { role, content: parts, ...named };
    }
    case 'tool': {
      if (typeof content === 'string') {
        // The shorthand of the first release: `{ role: 'tool', toolCallId, content: '...' }`.
        const toolCallId = stringField(message, 'toolCallId', path);
        return { role, content: [toolResult(toolCallId!, name, { type: 'text', value: content }, undefined, path, toolCallNames)] };
      }
      return { role, content: arrayOf(content, `${path}.content`, 'tool-result parts').map((part, i) => toolResultPart(part, `${path}.content[${i}]`, toolCallNames)) };
    }
    default:
      return fail(`${path}.role`, "expected 'system', 'user', 'assistant' or 'tool'");
  }
}

function userPart(part: unknown, path: string): UserContentPart {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) fail(path, "expected a part { type: 'text' | 'image' | 'file', ... }");
  switch (field(part, 'type', path)) {
    case 'text':
      return { type: 'text', text: stringField(part, 'text', path)! };
    case 'image': {
      // `image` is the AI SDK's name for the same field.
      const data = dataContent(field(part, 'data', path) ?? field(part, 'image', path), `${path}.data`);
      const mediaType = canonicalMediaType(stringField(part, 'mediaType', path, true));
      return { type: 'image', data, ...(mediaType !== undefined ? { mediaType } : {}) };
    }
    case 'file': {
      const data = dataContent(field(part, 'data', path), `${path}.data`);
      const filename = stringField(part, 'filename', path, true);
      return { type: 'file', data, mediaType: canonicalMediaType(stringField(part, 'mediaType', path))!, ...(filename !== undefined ? { filename } : {}) };
    }
    default:
      return fail(`${path}.type`, "expected 'text', 'image' or 'file' in a user message");
  }
}

function assistantPart(part: unknown, path: string): AssistantContentPart {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) fail(path, "expected a part { type: 'text' | 'tool-call' | 'reasoning', ... }");
  switch (field(part, 'type', path)) {
    case 'text':
      return { type: 'text', text: stringField(part, 'text', path)! };
    case 'reasoning':
      return { type: 'reasoning', text: stringField(part, 'text', path)! };
    case 'tool-call':
      return {
        type: 'tool-call',
        toolCallId: nonEmpty(stringField(part, 'toolCallId', path)!, `${path}.toolCallId`),
        toolName: nonEmpty(stringField(part, 'toolName', path)!, `${path}.toolName`),
        input: copyJson(field(part, 'input', path) ?? {}, `${path}.input`),
      };
    default:
      return fail(`${path}.type`, "expected 'text', 'tool-call' or 'reasoning' in an assistant message");
  }
}

function toolResultPart(part: unknown, path: string, toolCallNames: Map<string, string>): ToolResultPart {
  if (!isObject(part) || field(part, 'type', path) !== 'tool-result') fail(path, "expected { type: 'tool-result', toolCallId, toolName, output }");
  const isError = field(part, 'isError', path);
  if (isError !== undefined && typeof isError !== 'boolean') fail(`${path}.isError`, 'expected a boolean');
  return toolResult(stringField(part, 'toolCallId', path)!, stringField(part, 'toolName', path, true), field(part, 'output', path), isError, path, toolCallNames);
}

function toolResult(
  toolCallId: string,
  toolName: string | undefined,
  output: unknown,
  isError: boolean | undefined,
  path: string,
  toolCallNames: Map<string, string>,
): ToolResultPart {
  // A result must answer a call made earlier in the conversation: providers reject an orphan.
  const calledAs = toolCallNames.get(toolCallId);
  if (calledAs === undefined) fail(`${path}.toolCallId`, `no earlier assistant message has a tool-call with id "${toolCallId}"`);
  return {
    type: 'tool-result',
    toolCallId,
    toolName: toolName ?? calledAs,
    output: toolOutput(output, `${path}.output`),
    ...(isError !== undefined ? { isError } : {}),
  };
}

/** An AI SDK output shape as it is; any other value is JSON (a string is text). */
function toolOutput(output: unknown, path: string): ToolResultOutput {
  if (typeof output === 'string') return { type: 'text', value: output };
  if (isObject(output) && TOOL_OUTPUT_TYPES.has(field(output, 'type', path) as string) && ownKeys(output)?.includes('value')) {
    const copy = copyJson(output, path) as { type: string; value: unknown };
    if ((copy.type === 'text' || copy.type === 'error-text') && typeof copy.value !== 'string') fail(`${path}.value`, 'expected a string');
    if (copy.type === 'content' && !Array.isArray(copy.value)) fail(`${path}.value`, 'expected an array of text and media parts');
    return copy as ToolResultOutput;
  }
  return { type: 'json', value: copyJson(output === undefined ? null : output, path) };
}

function dataContent(value: unknown, path: string): DataContent {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const kind = objectKind(value);
    if (kind === 'url') return new URL((value as URL).href);
    if (kind === 'bytes') return copyJson(value, path) as Uint8Array;
  }
  return fail(path, 'expected base64 text, a data: or http(s) URL, a URL, or bytes (Uint8Array / ArrayBuffer)');
}

function normalizeTool(tool: unknown, path: string): ToolDefinition {
  if (!isObject(tool)) fail(path, 'expected { name, description?, inputSchema }');
  const name = nonEmpty(stringField(tool, 'name', path)!, `${path}.name`);
  const description = stringField(tool, 'description', path, true);
  const schema = field(tool, 'inputSchema', path);
  if (schema !== undefined && !isObject(schema)) fail(`${path}.inputSchema`, 'expected a JSON Schema object');
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    inputSchema: schema === undefined ? { type: 'object', properties: {} } : (copyJson(schema, `${path}.inputSchema`) as Record<string, unknown>),
  };
}

function normalizeToolChoice(choice: unknown, tools: ToolDefinition[] | undefined): ToolChoice {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && field(choice, 'type', 'request.toolChoice') === 'tool') {
    const toolName = stringField(choice, 'toolName', 'request.toolChoice')!;
    if (!tools?.some((tool) => tool.name === toolName)) fail('request.toolChoice.toolName', `"${toolName}" is not among request.tools`);
    return { type: 'tool', toolName };
  }
  return fail('request.toolChoice', "expected 'auto', 'none', 'required' or { type: 'tool', toolName }");
}

function normalizeResponseFormat(format: unknown): ResponseFormat {
  if (!isObject(format)) fail('request.responseFormat', "expected { type: 'text' } or { type: 'json', schema? }");
  const type = field(format, 'type', 'request.responseFormat');
  if (type === 'text') return { type };
  if (type !== 'json') fail('request.responseFormat.type', "expected 'text' or 'json'");
  const schema = field(format, 'schema', 'request.responseFormat');
  if (schema !== undefined && !isObject(schema)) fail('request.responseFormat.schema', 'expected a JSON Schema object');
  const name = stringField(format, 'name', 'request.responseFormat', true);
  const description = stringField(format, 'description', 'request.responseFormat', true);
  return {
    type,
    ...(schema !== undefined ? { schema: copyJson(schema, 'request.responseFormat.schema') as Record<string, unknown> } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

function normalizeHeaders(headers: unknown): Record<string, string> {
  if (!isObject(headers)) fail('request.headers', 'expected an object of header names to strings');
  const out: Record<string, string> = {};
  for (const name of ownKeys(headers) ?? []) {
    const value = field(headers, name, 'request.headers');
    if (typeof value !== 'string') fail(`request.headers.${name}`, 'expected a string');
    out[name] = value;
  }
  return out;
}

/** A media type as every adapter and the scan read it: trimmed, in lower case (parameters kept). */
function canonicalMediaType(mediaType: string | undefined): string | undefined {
  return mediaType?.trim().toLowerCase();
}

function nonEmpty(value: string, path: string): string {
  if (value.length === 0) fail(path, 'expected a non-empty string');
  return value;
}
