// The translation both ways: an Agents SDK ModelRequest as the neutral request (items merged into the
// turns providers expect, tools and handoffs, settings, output type; what cannot be routed refused by
// path), and a router result as the SDK's output items and usage.
import type { AgentInputItem, ModelRequest } from '@openai/agents-core';
import { describe, expect, it } from 'vitest';
import { HOST_SCAN_KEY, toCompletionRequest } from '../../../src/frameworks/openai-agents/input-to-request.js';
import { outputItemsOf, usageDataOf } from '../../../src/frameworks/openai-agents/result-to-response.js';
import { normalizeRequest } from '../../../src/request/normalize-request.js';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const PDF = 'data:application/pdf;base64,JVBERi0xLjQ=';

function request(input: ModelRequest['input'], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { input, modelSettings: {}, tools: [], outputType: 'text', handoffs: [], tracing: false, ...extra };
}

function refusal(fn: () => unknown): { code?: string; argument?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; argument?: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('toCompletionRequest', () => {
  it('a string input is one user message; instructions are the system prompt', () => {
    expect(toCompletionRequest(request('Hi', { systemInstructions: 'Be brief.' }), 'router')).toEqual({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('a conversation: one assistant message per turn (text, reasoning, calls), one tool message per batch of results', () => {
    const input: AgentInputItem[] = [
      { role: 'system', content: 'Policy: be kind.' },
      { role: 'user', content: [{ type: 'input_text', text: 'Compare these.' }, { type: 'input_image', image: PNG }, { type: 'input_file', file: PDF, filename: 'a.pdf' }] },
      { type: 'reasoning', content: [{ type: 'input_text', text: 'Two lookups.' }] },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking both.' }] },
      { type: 'function_call', callId: 'c1', name: 'lookup', arguments: '{"id":1}', status: 'completed' },
      { type: 'function_call', callId: 'c2', name: 'lookup', arguments: 'not json', status: 'completed' },
      { type: 'function_call_result', callId: 'c1', name: 'lookup', status: 'completed', output: { type: 'text', text: 'one' } },
      { type: 'function_call_result', callId: 'c2', name: 'lookup', status: 'completed', output: [{ type: 'input_text', text: 'chart:' }, { type: 'input_image', image: PNG }] },
      { role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: 'I cannot compare them.' }] },
      { role: 'user', content: 'Why?' },
    ];
    const converted = toCompletionRequest(request(input), 'router');
    expect(converted.messages).toEqual([
      { role: 'system', content: 'Policy: be kind.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', data: PNG },
          { type: 'file', data: PDF, mediaType: 'application/pdf', filename: 'a.pdf' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Two lookups.' },
          { type: 'text', text: 'Checking both.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { id: 1 } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'lookup', input: 'not json' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { type: 'text', value: 'one' } },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'lookup',
            output: { type: 'content', value: [{ type: 'text', text: 'chart:' }, { type: 'media', data: 'iVBORw0KGgo=', mediaType: 'image/png' }] },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot compare them.' }] },
      { role: 'user', content: 'Why?' },
    ]);
    // What comes out is a valid neutral request (tool results answer earlier calls, and so on).
    expect(() => normalizeRequest(converted)).not.toThrow();
  });

  it('function tools and handoffs become tools; settings, tool choice and the output type carry over', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const converted = toCompletionRequest(
      request('Weather?', {
        tools: [{ type: 'function', name: 'get_weather', description: 'Weather.', parameters: parameters as never, strict: true }],
        handoffs: [{ toolName: 'transfer_to_billing', toolDescription: 'Billing questions.', inputJsonSchema: { type: 'object', properties: {}, required: [], additionalProperties: false }, strictJsonSchema: true }],
        modelSettings: { temperature: 0.2, topP: 0.9, maxTokens: 300, toolChoice: 'get_weather', providerData: { openai: { user: 'u-1' }, local: { top_k: 20 } } },
        outputType: { type: 'json_schema', name: 'report', strict: true, schema: { type: 'object', properties: {}, required: [], additionalProperties: false } },
      }),
      'router',
    );
    expect(converted).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'Weather.', inputSchema: parameters },
        { name: 'transfer_to_billing', description: 'Billing questions.', inputSchema: { type: 'object', properties: {}, required: [], additionalProperties: false } },
      ],
      toolChoice: { type: 'tool', toolName: 'get_weather' },
      responseFormat: { type: 'json', name: 'report', schema: { type: 'object', properties: {}, required: [], additionalProperties: false } },
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 300,
      providerOptions: { openai: { user: 'u-1' }, local: { top_k: 20 } },
    });
    expect(toCompletionRequest(request('x', { modelSettings: { toolChoice: 'required' } }), 'router').toolChoice).toBe('required');
  });

  it('providerData for the router is keyed by provider name; a flat object is refused with the reason', () => {
    const error = refusal(() => toCompletionRequest(request('x', { modelSettings: { providerData: { reasoning_effort: 'low' } } }), 'router'));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'modelSettings.providerData.reasoning_effort' });
    expect(error.message).toContain('keyed by provider name');
  });

  it("for the host's SDK models, everything else they send (settings' and items' providerData) is where the scan reads it", () => {
    const converted = toCompletionRequest(
      request([{ role: 'user', content: [{ type: 'input_text', text: 'hi', providerData: { tag: 'part' } }], providerData: { tag: 'item' } }], {
        modelSettings: { providerData: { reasoning_effort: 'low' } },
      }),
      'host',
    );
    expect(converted.providerOptions).toEqual({ [HOST_SCAN_KEY]: { modelSettings: { reasoning_effort: 'low' }, items: [{ tag: 'item' }, { tag: 'part' }] } });
    expect(toCompletionRequest(request('plain'), 'host').providerOptions).toBeUndefined();
  });

  const refused: Array<[string, ModelRequest, string]> = [
    ['a hosted tool', request('x', { tools: [{ type: 'hosted_tool', name: 'web_search' }] }), 'modelRequest.tools[0].type'],
    ['a computer call in the conversation', request([{ type: 'computer_call', callId: 'c', status: 'completed', action: { type: 'screenshot' } }] as AgentInputItem[]), 'modelRequest.input[0].type'],
    ['an image stored on OpenAI', request([{ role: 'user', content: [{ type: 'input_image', image: { id: 'file-1' } }] }]), 'modelRequest.input[0].content[0].image'],
    ['a file of unknown type', request([{ role: 'user', content: [{ type: 'input_file', file: 'JVBERi0x' }] }]), 'modelRequest.input[0].content[0].file'],
    ['a tool result image by URL', request([{ type: 'function_call', callId: 'c', name: 't', arguments: '{}' }, { type: 'function_call_result', callId: 'c', name: 't', status: 'completed', output: { type: 'image', image: { url: 'https://example.com/a.png' } } }]), 'modelRequest.input[1].output.image'],
    ['a prompt template', request('x', { prompt: { promptId: 'pmpt_1' } }), 'modelRequest.prompt'],
    ['a previous response id', request('x', { previousResponseId: 'resp_1' }), 'modelRequest.previousResponseId'],
  ];
  it.each(refused)('%s cannot be routed: refused by path, before any call', (_what, modelRequest, argument) => {
    const error = refusal(() => toCompletionRequest(modelRequest, 'router'));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument });
  });
});

describe('outputItemsOf and usageDataOf', () => {
  it('text runs become one message; reasoning and tool calls keep their order; arguments are JSON text', () => {
    expect(
      outputItemsOf([
        { type: 'reasoning', text: 'Think.' },
        { type: 'text', text: 'Let me ' },
        { type: 'text', text: 'check.' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { id: 1 } },
        { type: 'tool-call', toolCallId: 'c2', toolName: 'lookup', input: '{broken' },
      ]),
    ).toEqual([
      { type: 'reasoning', content: [{ type: 'input_text', text: 'Think.' }] },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Let me check.' }] },
      { type: 'function_call', callId: 'c1', name: 'lookup', arguments: '{"id":1}', status: 'completed' },
      { type: 'function_call', callId: 'c2', name: 'lookup', arguments: '{broken', status: 'completed' },
    ]);
  });

  it('an answer with no text and no tool call is an empty message, so the turn ends', () => {
    expect(outputItemsOf([])).toEqual([{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: '' }] }]);
  });

  it("usage in the SDK's shape, with cached and reasoning tokens under the Responses API's names", () => {
    expect(usageDataOf({ inputTokens: 100, outputTokens: 40, cachedInputTokens: 60, reasoningTokens: 25 })).toEqual({
      requests: 1,
      inputTokens: 100,
      outputTokens: 40,
      totalTokens: 140,
      inputTokensDetails: { cached_tokens: 60 },
      outputTokensDetails: { reasoning_tokens: 25 },
    });
  });
});
