// LangChain messages → the neutral request, in both modes: `send` (what the router's adapters send:
// content they cannot carry is refused) and `scan` (a LangChain model sends the originals: whatever
// has no neutral form is kept as JSON text, so the PII scan reads every byte that leaves).
import {
  AIMessage,
  ChatMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createRouter, InvalidArgumentError } from 'llm-agent-router';
import { RouterChatModel } from 'llm-agent-router/langchain';
import { createMockProvider } from 'llm-agent-router/test';
import { messagesToRequest } from '../../../src/frameworks/langchain/messages-to-request.js';
import { toolChoiceOf, toolDefinitions } from '../../../src/frameworks/langchain/tool-definitions.js';
import { CONFIG } from './setup.js';

const EMAIL = 'jane.doe@example.com';

describe('messagesToRequest', () => {
  it('converts system, human, AI (text, reasoning, tool calls) and tool messages', () => {
    const messages = messagesToRequest(
      [
        new SystemMessage('Be brief.'),
        new HumanMessage({ content: 'Hi', name: 'ada' }),
        new AIMessage({
          content: 'Checking.',
          additional_kwargs: { reasoning_content: 'The user wants the weather.' },
          tool_calls: [{ id: 'c1', name: 'weather', args: { city: 'Oslo' }, type: 'tool_call' }],
        }),
        new ToolMessage({ content: 'Rain', tool_call_id: 'c1' }),
        new ToolMessage({ content: 'timeout', tool_call_id: 'c1', status: 'error' }),
        new ChatMessage({ content: 'From a generic user', role: 'user' }),
        new RemoveMessage({ id: 'gone' }),
      ],
      'send',
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi', name: 'ada' },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'The user wants the weather.' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'text', value: 'Rain' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'error-text', value: 'timeout' }, isError: true }] },
      { role: 'user', content: 'From a generic user' },
    ]);
  });

  it('reads images and files in the standard, OpenAI and v0 block formats', () => {
    const [message] = messagesToRequest(
      [
        new HumanMessage({
          content: [
            { type: 'image', data: 'AAAA', mimeType: 'image/png' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BBBB' } },
            { type: 'image', source_type: 'base64', data: 'CCCC', mime_type: 'image/webp' },
            { type: 'file', data: 'DDDD', mimeType: 'application/pdf', metadata: { filename: 'invoice.pdf' } },
          ] as never,
        }),
      ],
      'send',
    );
    expect(message!.content).toEqual([
      { type: 'image', data: 'AAAA', mediaType: 'image/png' },
      { type: 'image', data: 'https://example.com/cat.png' },
      { type: 'image', data: 'BBBB', mediaType: 'image/jpeg' },
      { type: 'image', data: 'CCCC', mediaType: 'image/webp' },
      { type: 'file', data: 'DDDD', mediaType: 'application/pdf', filename: 'invoice.pdf' },
    ]);
  });

  it('a tool result with an image becomes text and media parts', () => {
    const [, tool] = messagesToRequest(
      [
        new AIMessage({ content: '', tool_calls: [{ id: 'c2', name: 'screenshot', args: {} }] }),
        new ToolMessage({ content: [{ type: 'text', text: 'Here:' }, { type: 'image', data: 'EEEE', mimeType: 'image/png' }] as never, tool_call_id: 'c2' }),
      ],
      'send',
    );
    expect(tool!.content).toEqual([
      {
        type: 'tool-result',
        toolCallId: 'c2',
        toolName: 'screenshot',
        output: { type: 'content', value: [{ type: 'text', text: 'Here:' }, { type: 'media', data: 'EEEE', mediaType: 'image/png' }] },
      },
    ]);
  });

  it("a tool result's image keeps the media type its data URL declares (or that its bytes show)", () => {
    const jpeg = '/9j/4AAQSkZJRg==';
    const [, tool] = messagesToRequest(
      [
        new AIMessage({ content: '', tool_calls: [{ id: 'c3', name: 'photo', args: {} }] }),
        new ToolMessage({ content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg}` } }, { type: 'image', data: jpeg }] as never, tool_call_id: 'c3' }),
      ],
      'send',
    );
    const output = (tool!.content as { output: { value: unknown[] } }[])[0]!.output;
    expect(output.value).toEqual([
      { type: 'media', data: jpeg, mediaType: 'image/jpeg' },
      { type: 'media', data: jpeg, mediaType: 'image/jpeg' },
    ]);
  });

  it('send mode refuses what cannot be sent; scan mode keeps it as JSON text for the scan', () => {
    const odd = new HumanMessage({ content: [{ type: 'text', text: 'See' }, { type: 'custom_note', note: `mail ${EMAIL}` }] as never, additional_kwargs: { audio: { id: 'a1' } } });
    expect(() => messagesToRequest([odd], 'send')).toThrow(InvalidArgumentError);
    const [scanned] = messagesToRequest([odd], 'scan');
    expect(JSON.stringify(scanned)).toContain(EMAIL);
    expect(JSON.stringify(scanned)).toContain('audio');
  });

  it('a tool call without an id is refused when sending: no result could answer it', () => {
    const ai = new AIMessage({ content: '', tool_calls: [{ name: 'weather', args: {} }] });
    expect(() => messagesToRequest([ai], 'send')).toThrow(/has no id/);
    expect(messagesToRequest([ai], 'scan')[0]!.content).toMatchObject([{ type: 'tool-call', toolName: 'weather' }]);
  });
});

describe('tool definitions and tool choice', () => {
  it('maps every accepted tool form, and refuses a provider built-in tool when sending', () => {
    expect(toolDefinitions([{ name: 'a', input_schema: { type: 'object', properties: { x: { type: 'string' } } } }], 'send')).toEqual([
      { name: 'a', inputSchema: { type: 'object', properties: { x: { type: 'string' } } } },
    ]);
    expect(() => toolDefinitions([{ type: 'web_search_preview' }], 'send')).toThrow(InvalidArgumentError);
    expect(toolDefinitions([{ type: 'web_search_preview', user_location: EMAIL }], 'scan')[0]!.description).toContain(EMAIL);
  });

  it.each([
    ['auto', 'auto'],
    ['none', 'none'],
    ['any', 'required'],
    ['required', 'required'],
    ['weather', { type: 'tool', toolName: 'weather' }],
    [{ type: 'function', function: { name: 'weather' } }, { type: 'tool', toolName: 'weather' }],
    [{ type: 'tool', name: 'weather' }, { type: 'tool', toolName: 'weather' }],
  ])('tool_choice %j → %j', (choice, expected) => {
    expect(toolChoiceOf(choice)).toEqual(expected);
  });
});

describe('what the scan reads in host-made calls', () => {
  it('PII only in a block the adapters could not send still keeps the call local', async () => {
    const calls: string[] = [];
    const router = createRouter(CONFIG, {
      logger: {},
      providers: Object.fromEntries(['openai', 'anthropic', 'local'].map((name) => [name, createMockProvider({ name })])),
    });
    router.on(({ decision }) => calls.push(decision.modelId));
    // A host model stand-in that answers without a network; the router only needs its answer.
    const host = new RouterChatModel({ router, agentId: 'assistant' });
    const model = new RouterChatModel({ router, agentId: 'assistant', models: { 'gpt-cloud': host, 'claude-cloud': host, 'local-llm': host } });

    const ask = (note: string) => model.invoke([new HumanMessage({ content: [{ type: 'text', text: 'Summarise' }, { type: 'custom_note', note }] as never })]).catch(() => undefined);

    // The outer call's decision comes first; the inner host call is routed on its own after it.
    await ask(`from ${EMAIL}`);
    expect(calls[0]).toBe('local-llm');
    calls.length = 0;
    await ask('from the team');
    expect(calls[0]).toBe('gpt-cloud');
  });
});
