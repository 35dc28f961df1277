// The AI SDK's V3 call options as the router's neutral request: every message and part kind, tool
// outputs (execution-denied as an error text), tools and settings; what cannot be carried is a
// warning, and is still part of what the `models` path scans.
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { createRouter, type CompletionRequest } from 'llm-agent-router';
import { callOptionsToRequest, requestForScan } from '../../../src/frameworks/ai-sdk/prompt-to-request.js';
import { completionToV3, usageToV3 } from '../../../src/frameworks/ai-sdk/result-to-v3.js';
import { CONFIG, EMAIL, WEATHER_INPUT } from './router-setup.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

const OPTIONS: LanguageModelV3CallOptions = {
  prompt: [
    { role: 'system', content: 'You are a weather assistant.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these files?' },
        { type: 'file', data: PNG, mediaType: 'image/png' },
        { type: 'file', data: new URL('https://example.com/cat.jpg'), mediaType: 'image/*' },
        { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'report.pdf' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'The user wants the weather.' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } },
        { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Lyon"}' },
        { type: 'tool-call', toolCallId: 'call_3', toolName: 'weather', input: { city: 'Nice' } },
        { type: 'tool-call', toolCallId: 'call_4', toolName: 'weather', input: { city: 'Metz' } },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'json', value: { temperature: 18 } } },
        { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: { type: 'execution-denied', reason: 'The user said no.' } },
        { type: 'tool-result', toolCallId: 'call_3', toolName: 'weather', output: { type: 'error-text', value: 'Station offline.' } },
        {
          type: 'tool-result',
          toolCallId: 'call_4',
          toolName: 'weather',
          output: {
            type: 'content',
            value: [
              { type: 'text', text: 'Radar:' },
              { type: 'image-data', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
              { type: 'file-url', url: 'https://example.com/radar.pdf' },
            ],
          },
        },
      ],
    },
  ],
  tools: [
    { type: 'function', name: 'weather', description: 'The current weather in a city.', inputSchema: WEATHER_INPUT as never },
    { type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} },
  ],
  toolChoice: { type: 'required' },
  responseFormat: { type: 'json', schema: { type: 'object' }, name: 'report' },
  maxOutputTokens: 300,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stopSequences: ['END'],
  seed: 7,
  headers: { 'x-trace': 'abc', 'x-unset': undefined },
  providerOptions: { openai: { user: 'u-1' }, 'llm-agent-router': { task: { type: 'chat' } } },
};

describe('callOptionsToRequest', () => {
  it('maps every message, part, tool and setting to the neutral request', () => {
    const { request } = callOptionsToRequest(OPTIONS);
    expect(request).toEqual<CompletionRequest>({
      messages: [
        { role: 'system', content: 'You are a weather assistant.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these files?' },
            { type: 'image', data: PNG, mediaType: 'image/png' },
            { type: 'image', data: new URL('https://example.com/cat.jpg') },
            { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'report.pdf' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'The user wants the weather.' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: { city: 'Lyon' } },
            { type: 'tool-call', toolCallId: 'call_3', toolName: 'weather', input: { city: 'Nice' } },
            { type: 'tool-call', toolCallId: 'call_4', toolName: 'weather', input: { city: 'Metz' } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'json', value: { temperature: 18 } } },
            { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: { type: 'error-text', value: 'The user said no.' }, isError: true },
            { type: 'tool-result', toolCallId: 'call_3', toolName: 'weather', output: { type: 'error-text', value: 'Station offline.' }, isError: true },
            {
              type: 'tool-result',
              toolCallId: 'call_4',
              toolName: 'weather',
              output: {
                type: 'content',
                value: [
                  { type: 'text', text: 'Radar:' },
                  { type: 'media', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
                  { type: 'text', text: 'https://example.com/radar.pdf' },
                ],
              },
            },
          ],
        },
      ],
      tools: [{ name: 'weather', description: 'The current weather in a city.', inputSchema: WEATHER_INPUT as never }],
      toolChoice: 'required',
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'report' },
      maxTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      headers: { 'x-trace': 'abc' },
      // The router's own key is read, never sent.
      providerOptions: { openai: { user: 'u-1' } },
    });
  });

  it('warns of what it cannot send: provider-defined tools and settings without a neutral field', () => {
    const { warnings, providerToolWarnings } = callOptionsToRequest(OPTIONS);
    expect(providerToolWarnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'provider-defined tool web_search (openai.web_search)' })]);
    expect(warnings).toEqual([...providerToolWarnings, expect.objectContaining({ type: 'unsupported', feature: 'topK' })]);
  });

  it('is a request the router accepts as it is', async () => {
    const router = createRouter(CONFIG, { logger: {} });
    const { request } = callOptionsToRequest(OPTIONS);
    const result = await router.complete('assistant', request);
    expect(result.modelId).toBe('gpt-cloud');
  });

  it('leaves out provider-executed tool calls and their results, and file data it cannot carry, with warnings', () => {
    const { request, warnings, unmapped } = callOptionsToRequest({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'file', data: { type: 'text', text: 'notes as text' } as never, mediaType: 'text/plain' },
            { type: 'file', data: { type: 'reference', reference: { openai: 'file-123' } } as never, mediaType: 'application/pdf' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'ws_1', toolName: 'web_search', input: {}, providerExecuted: true },
            { type: 'tool-result', toolCallId: 'ws_1', toolName: 'web_search', output: { type: 'json', value: { hits: 3 } } },
            { type: 'text', text: 'Found it.', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'notes as text' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Found it.' }] },
    ]);
    expect(warnings.map((w) => (w.type === 'other' ? w.message : w.feature))).toEqual([
      "a file given by a provider reference is not sent by the router's adapters",
      "the provider-executed tool call web_search is not sent by the router's adapters",
      "a tool-result part in an assistant message is not sent by the router's adapters",
    ]);
    expect(unmapped.values).toContainEqual({ anthropic: { cacheControl: { type: 'ephemeral' } } });
    expect(unmapped.values).toContainEqual({ type: 'reference', reference: { openai: 'file-123' } });
  });
});

describe('requestForScan', () => {
  it('adds what the neutral request cannot hold, so PII there keeps the call local', async () => {
    const converted = callOptionsToRequest({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hello.' }], providerOptions: { openai: { user: EMAIL } } }],
    });
    expect(JSON.stringify(converted.request)).not.toContain(EMAIL);
    const scanned = requestForScan(converted);
    expect(scanned.providerOptions).toEqual({ 'llm-agent-router': { unmapped: [{ openai: { user: EMAIL } }] } });

    const router = createRouter(CONFIG, { logger: {} });
    const decisions: string[] = [];
    router.on((event) => event.type === 'decision' && decisions.push(event.decision.modelId));
    await router.execute('assistant', { request: converted.request }, async () => ({ value: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    await router.execute('assistant', { request: scanned }, async () => ({ value: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    expect(decisions).toEqual(['gpt-cloud', 'local-llm']);
  });

  it("a text file in an assistant message (not sent through the router's adapters) is still scanned", () => {
    const converted = callOptionsToRequest({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
        // A V4 file given as text: no base64 for the scan to decode.
        { role: 'assistant', content: [{ type: 'file', data: { type: 'text', text: `Contact: ${EMAIL}` }, mediaType: 'text/plain' }] },
      ],
    } as never);
    expect(JSON.stringify(requestForScan(converted))).toContain(EMAIL);
  });

  it('is the request itself when nothing was left out', () => {
    const converted = callOptionsToRequest({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi.' }] }] });
    expect(requestForScan(converted)).toBe(converted.request);
  });
});

describe('results in V3 shapes', () => {
  it('usage: totals with the cached and reasoning shares', () => {
    expect(usageToV3({ inputTokens: 100, outputTokens: 40, cachedInputTokens: 60, reasoningTokens: 10 })).toEqual({
      inputTokens: { total: 100, noCache: 40, cacheRead: 60, cacheWrite: undefined },
      outputTokens: { total: 40, text: 30, reasoning: 10 },
    });
  });

  it('content: tool-call input as JSON text; text that did not parse as it came', async () => {
    const router = createRouter(CONFIG, { logger: {} });
    const result = await router.complete('assistant', { messages: [{ role: 'user', content: 'Hi.' }] });
    const v3 = completionToV3(
      {
        ...result,
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'weather', input: '{"city": Par' },
        ],
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_calls',
      },
      [],
    );
    expect(v3.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'weather', input: '{"city": Par' },
    ]);
    expect(v3.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(v3.response).toMatchObject({ modelId: 'gpt-cloud' });
    expect(v3.response!.timestamp).toBeInstanceOf(Date);
  });
});
