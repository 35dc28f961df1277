// An Agents SDK `ModelRequest` as the router's neutral request: instructions, the conversation so far,
// function tools and handoffs (both are tools the model may call), model settings and the output
// type. The router routes on it, scans it for PII and — unless the host's own SDK models make the
// call — its adapters send it.
import type { ModelRequest, ModelSettings, SerializedHandoff, SerializedOutputType, SerializedTool } from '@openai/agents-core';
import { InvalidArgumentError } from '../../errors.js';
import type { CompletionRequest, ProviderOptions, ResponseFormat, ToolChoice, ToolDefinition } from '../../request/types.js';
import { inputToMessages } from './input-items.js';

/**
 * Who sends the request: the router's adapters (`router.complete` / `router.stream`), or the host's
 * own SDK `Model` (inside `router.execute`), which sends the SDK's request as it is — so everything
 * that request carries besides the conversation (`providerData` of settings, items, parts and tools)
 * is added where the privacy scan reads it.
 */
export type RequestSender = 'router' | 'host';

/** Where, in a request the host sends, what only the scan reads is kept. No adapter has this name. */
export const HOST_SCAN_KEY = 'openai-agents-host';

export function toCompletionRequest(request: ModelRequest, sender: RequestSender): CompletionRequest {
  if (typeof request !== 'object' || request === null) throw new InvalidArgumentError('modelRequest', 'expected the Agents SDK ModelRequest');
  refuseServerState(request);
  const settings: ModelSettings = request.modelSettings ?? {};
  const out: CompletionRequest = { messages: inputToMessages(request.input) };
  if (request.systemInstructions) out.system = request.systemInstructions;

  const tools = [
    ...(request.tools ?? []).map((tool, index) => functionTool(tool, `modelRequest.tools[${index}]`)),
    ...(request.handoffs ?? []).map(handoffTool),
  ];
  if (tools.length > 0) out.tools = tools;
  const toolChoice = toolChoiceOf(settings.toolChoice);
  if (toolChoice !== undefined) out.toolChoice = toolChoice;
  const responseFormat = responseFormatOf(request.outputType);
  if (responseFormat !== undefined) out.responseFormat = responseFormat;

  if (settings.maxTokens !== undefined) out.maxTokens = settings.maxTokens;
  if (settings.temperature !== undefined) out.temperature = settings.temperature;
  if (settings.topP !== undefined) out.topP = settings.topP;

  const providerOptions = sender === 'router' ? providerOptionsOf(settings.providerData) : hostScanOptions(request);
  if (providerOptions !== undefined) out.providerOptions = providerOptions;
  return out;
}

/** A prompt template, a stored response or conversation live on OpenAI's servers: no other model can read them. */
function refuseServerState(request: ModelRequest): void {
  const refuse = (field: string, what: string) => {
    throw new InvalidArgumentError(
      `modelRequest.${field}`,
      `${what} is kept on OpenAI's servers, where neither the router's privacy scan nor another model can read it; pass the conversation itself (run(agent, items)) instead`,
    );
  };
  if (request.prompt !== undefined) refuse('prompt', 'a prompt template');
  if (request.previousResponseId) refuse('previousResponseId', 'a previous response');
  if (request.conversationId) refuse('conversationId', 'a stored conversation');
}

function functionTool(tool: SerializedTool, path: string): ToolDefinition {
  if (tool?.type !== 'function') {
    throw new InvalidArgumentError(
      `${path}.type`,
      `the ${String(tool?.type)} tool "${String(tool?.name)}" runs on OpenAI's side and cannot be routed to another model; use function tools`,
    );
  }
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.parameters as Record<string, unknown>,
  };
}

/** A handoff is a tool the model calls by the handoff's tool name; the Runner then switches agents. */
function handoffTool(handoff: SerializedHandoff): ToolDefinition {
  return {
    name: handoff.toolName,
    ...(handoff.toolDescription ? { description: handoff.toolDescription } : {}),
    inputSchema: (handoff.inputJsonSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
  };
}

function toolChoiceOf(choice: ModelSettings['toolChoice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice as 'auto' | 'none' | 'required';
  // Any other value names the one tool the model must call.
  return { type: 'tool', toolName: choice as string };
}

function responseFormatOf(outputType: SerializedOutputType | undefined): ResponseFormat | undefined {
  if (outputType === undefined || outputType === 'text') return undefined;
  return { type: 'json', schema: outputType.schema as Record<string, unknown>, name: outputType.name };
}

/**
 * `modelSettings.providerData` for the router's adapters: the neutral `providerOptions`, keyed by
 * provider name (`{ openai: {...}, anthropic: {...}, local: {...} }`), since the model is not known
 * until the router decides; each adapter applies only its own entry.
 */
function providerOptionsOf(providerData: ModelSettings['providerData']): ProviderOptions | undefined {
  if (providerData === undefined || providerData === null) return undefined;
  for (const [name, options] of Object.entries(providerData)) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new InvalidArgumentError(
        `modelSettings.providerData.${name}`,
        'the router picks the model per turn, so providerData is keyed by provider name: { openai: { ... }, anthropic: { ... } }',
      );
    }
  }
  return providerData as ProviderOptions;
}

/** Everything the host's SDK model sends besides the conversation, for the scan to read. */
function hostScanOptions(request: ModelRequest): ProviderOptions | undefined {
  const found: unknown[] = [];
  const collect = (value: unknown) => {
    const data = (value as { providerData?: unknown } | null)?.providerData;
    if (data !== undefined) found.push(data);
  };
  if (Array.isArray(request.input)) {
    for (const item of request.input) {
      collect(item);
      const content = (item as { content?: unknown }).content;
      if (Array.isArray(content)) content.forEach(collect);
      const output = (item as { output?: unknown }).output;
      if (Array.isArray(output)) output.forEach(collect);
      else collect(output);
    }
  }
  (request.tools ?? []).forEach(collect);
  const settings = request.modelSettings?.providerData;
  if (found.length === 0 && settings === undefined) return undefined;
  return { [HOST_SCAN_KEY]: { ...(settings !== undefined ? { modelSettings: settings } : {}), ...(found.length > 0 ? { items: found } : {}) } };
}
