// LangChain tools and tool choices → the router's neutral `ToolDefinition` and `ToolChoice`.
// Accepted: LangChain tools (zod or JSON-schema), `{ name, schema }` tool params, OpenAI-format
// tools, Anthropic-format tools and the router's own `{ name, inputSchema }`.
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { InvalidArgumentError } from '../../errors.js';
import type { ToolChoice, ToolDefinition } from '../../request/types.js';
import type { ConversionMode } from './messages-to-request.js';
import { isRecord } from '../../own-data.js';

/** The neutral definitions of `tools`; in scan mode a tool without one is kept as JSON text. */
export function toolDefinitions(tools: readonly unknown[], mode: ConversionMode): ToolDefinition[] {
  return tools.map((tool, index) => {
    const definition = toolDefinition(tool);
    if (definition) return definition;
    if (mode === 'scan') {
      // A provider's built-in tool (web search, code execution): the LangChain model sends it as it is.
      const type = isRecord(tool) && typeof tool['type'] === 'string' ? tool['type'] : `tool_${index}`;
      return { name: type, description: safeJson(tool), inputSchema: { type: 'object', properties: {} } };
    }
    throw new InvalidArgumentError(
      `tools[${index}]`,
      'expected a LangChain tool, { name, schema }, an OpenAI-format tool { type: "function", function: { name, parameters } } or { name, input_schema }',
    );
  });
}

function toolDefinition(tool: unknown): ToolDefinition | undefined {
  let converted: unknown;
  try {
    converted = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
  } catch {
    converted = tool;
  }
  if (!isRecord(converted)) return undefined;
  const fn = converted['type'] === 'function' && isRecord(converted['function']) ? converted['function'] : converted;
  const name = fn['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const schema = fn['parameters'] ?? fn['input_schema'] ?? fn['inputSchema'] ?? (isRecord(fn['schema']) ? fn['schema'] : undefined);
  if (schema !== undefined && !isRecord(schema)) return undefined;
  const description = fn['description'];
  return {
    name,
    ...(typeof description === 'string' ? { description } : {}),
    inputSchema: (schema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
  };
}

/**
 * LangChain's `tool_choice` as the router's: `auto`, `none`, `any` / `required`, a tool's name,
 * `{ type: 'function', function: { name } }` or `{ type: 'tool', name }`. Undefined when unset.
 */
export function toolChoiceOf(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none') return choice;
  if (choice === 'any' || choice === 'required') return 'required';
  if (typeof choice === 'string') return { type: 'tool', toolName: choice };
  if (isRecord(choice)) {
    const fn = choice['function'];
    const name = isRecord(fn) ? fn['name'] : choice['name'] ?? choice['toolName'];
    if (typeof name === 'string') return { type: 'tool', toolName: name };
    if (choice['type'] === 'any') return 'required';
    if (choice['type'] === 'auto' || choice['type'] === 'none') return choice['type'];
  }
  throw new InvalidArgumentError('tool_choice', `expected 'auto', 'none', 'any', 'required', a tool name or { type: 'function', function: { name } }`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
