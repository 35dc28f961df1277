import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { normalizeRequest } from '../../src/request/normalize-request.js';
import { requestFeatures } from '../../src/request/request-features.js';

function refusal(input: unknown): InvalidArgumentError {
  try {
    normalizeRequest(input);
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected the request to be refused');
}

const toolLoop = () => ({
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'json', value: { c: 18 } } }] },
  ],
  tools: [{ name: 'weather', inputSchema: { type: 'object' } }],
});

describe('normalizeRequest: shapes', () => {
  it('expands string contents to parts and keeps every field', () => {
    const out = normalizeRequest({
      system: 'sys',
      messages: [
        { role: 'system', content: 'also system' },
        { role: 'user', content: 'hi', name: 'ann' },
        { role: 'assistant', content: 'hello' },
      ],
      maxTokens: 10,
      temperature: 0,
      topP: 1,
      seed: 3,
      stop: 'END',
      headers: { 'x-a': 'b' },
      providerOptions: { openai: { user: 'u1' } },
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'r' },
    });
    expect(out).toEqual({
      system: 'sys',
      messages: [
        { role: 'system', content: 'also system' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }], name: 'ann' },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
      ],
      maxTokens: 10,
      temperature: 0,
      topP: 1,
      seed: 3,
      stop: ['END'],
      headers: { 'x-a': 'b' },
      providerOptions: { openai: { user: 'u1' } },
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'r' },
    });
  });

  it('a tool loop: tool calls and results keep their ids; a plain output becomes json, a string text', () => {
    const input = toolLoop();
    input.messages.push(
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: { city: 'Rome' } }] } as never,
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: [1, 2] }, { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: 'sunny' }] } as never,
    );
    const out = normalizeRequest(input);
    expect(out.messages[2]).toEqual({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'json', value: { c: 18 } } }] });
    expect((out.messages[4] as { content: unknown[] }).content).toEqual([
      { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: { type: 'json', value: [1, 2] } },
      { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: { type: 'text', value: 'sunny' } },
    ]);
  });

  it("the first release's tool shorthand ({ role: 'tool', toolCallId, content: string }) takes the tool's name from its call", () => {
    const input = toolLoop();
    input.messages[2] = { role: 'tool', toolCallId: 'call_1', content: '18 degrees' } as never;
    expect(normalizeRequest(input).messages[2]).toEqual({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'text', value: '18 degrees' } }],
    });
  });

  it("images and files: `image` (the AI SDK's name) or `data`; bytes are copied; a URL object is kept", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = normalizeRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', image: bytes, mediaType: 'image/png' },
            { type: 'image', data: new URL('https://x.example/a.png') },
            { type: 'file', data: 'aGk=', mediaType: 'text/plain', filename: 'a.txt' },
          ],
        },
      ],
    });
    const parts = out.messages[0]!.content as { data: unknown }[];
    expect(parts[0]).toEqual({ type: 'image', data: bytes, mediaType: 'image/png' });
    expect(parts[0]!.data).not.toBe(bytes);
    expect(parts[1]!.data).toBeInstanceOf(URL);
    expect(parts[2]).toEqual({ type: 'file', data: 'aGk=', mediaType: 'text/plain', filename: 'a.txt' });
  });

  it('the copy is plain data, detached from the caller: later changes to the input do not reach it', () => {
    const input = toolLoop();
    const out = normalizeRequest(input);
    (input.messages[1]!.content as { input: { city: string } }[])[1]!.input.city = 'jane@example.com';
    expect(JSON.stringify(out)).not.toContain('jane@example.com');
  });

  it('a key named __proto__ in a JSON value stays a plain property of the copy', () => {
    const schema = JSON.parse('{"type":"object","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const out = normalizeRequest({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', inputSchema: schema }] });
    const copied = out.tools![0]!.inputSchema;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.hasOwn(copied, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('normalizeRequest: bad input names the path', () => {
  it.each([
    [null, 'request'],
    [{ messages: [] }, 'request.messages'],
    [{ messages: [{ role: 'robot', content: 'x' }] }, 'request.messages[0].role'],
    [{ messages: [{ role: 'user', content: 42 }] }, 'request.messages[0].content'],
    [{ messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'request.messages[0].content[0].type'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', data: 7 }] }] }, 'request.messages[0].content[0].data'],
    [{ messages: [{ role: 'user', content: 'x' }], maxTokens: 0 }, 'request.maxTokens'],
    [{ messages: [{ role: 'user', content: 'x' }], topP: 2 }, 'request.topP'],
    [{ messages: [{ role: 'user', content: 'x' }], stop: [1] }, 'request.stop[0]'],
    [{ messages: [{ role: 'user', content: 'x' }], headers: { a: 1 } }, 'request.headers.a'],
    [{ messages: [{ role: 'user', content: 'x' }], providerOptions: { top_p: 0.5 } }, 'request.providerOptions.top_p'],
    [{ messages: [{ role: 'user', content: 'x' }], toolChoice: { type: 'tool', toolName: 'nope' } }, 'request.toolChoice.toolName'],
    [{ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'xml' } }, 'request.responseFormat.type'],
  ])('%j → %s', (input, argument) => {
    expect(refusal(input).argument).toBe(argument);
  });

  it('a tool result that answers no earlier tool call is refused (providers answer 400 to an orphan)', () => {
    const input = toolLoop();
    (input.messages[2]!.content as { toolCallId: string }[])[0]!.toolCallId = 'call_9';
    const error = refusal(input);
    expect(error.argument).toBe('request.messages[2].content[0].toolCallId');
    expect(error.message).toContain('call_9');
  });

  it('a getter, a cycle or a bigint in a JSON value is refused with its path; the getter never runs', () => {
    let ran = false;
    const withGetter = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        ran = true;
        return 1;
      },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    for (const [value, path] of [
      [withGetter, 'request.messages[1].content[0].input.secret'],
      [cyclic, 'request.messages[1].content[0].input.self.back'],
      [{ n: 10n }, 'request.messages[1].content[0].input.n'],
    ] as const) {
      const error = refusal({
        messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 't', input: value }] }],
      });
      expect(error.argument).toBe(path);
    }
    expect(ran).toBe(false);
  });

  it('a shared (not cyclic) value is copied wherever it appears', () => {
    const shared = { id: 1 };
    const out = normalizeRequest({ messages: [{ role: 'user', content: 'x' }], providerOptions: { openai: { a: shared, b: [shared, shared] } } });
    expect(out.providerOptions).toEqual({ openai: { a: { id: 1 }, b: [{ id: 1 }, { id: 1 }] } });
  });
});

describe('requestFeatures', () => {
  it('tools, tool history, images (also image files), files and a JSON schema', () => {
    const plain = normalizeRequest({ messages: [{ role: 'user', content: 'x' }] });
    expect(requestFeatures(plain)).toEqual({ tools: false, images: false, files: false, jsonSchema: false });
    const history = normalizeRequest({ ...toolLoop(), tools: undefined } as never);
    expect(requestFeatures(history).tools).toBe(true);
    const media = normalizeRequest({ messages: [{ role: 'user', content: [{ type: 'file', data: 'AA==', mediaType: 'image/png' }, { type: 'file', data: 'AA==', mediaType: 'application/pdf' }] }] });
    expect(requestFeatures(media)).toMatchObject({ images: true, files: true });
    const json = normalizeRequest({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json', schema: {} } });
    expect(requestFeatures(json).jsonSchema).toBe(true);
    // JSON mode without a schema needs no schema support.
    expect(requestFeatures(normalizeRequest({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json' } })).jsonSchema).toBe(false);
  });
});

describe('normalizeRequest: hostile input gets a typed error, never a TypeError or unbounded work', () => {
  it('a getter on a message, a revoked Proxy as image data, a sparse array claiming 2^32 - 1 messages', () => {
    let ran = false;
    const message = Object.defineProperty({ role: 'user' }, 'content', { enumerable: true, get: () => ((ran = true), 'x') });
    expect(refusal({ messages: [message] }).argument).toBe('request.messages[0].content');
    expect(ran).toBe(false);
    const { proxy, revoke } = Proxy.revocable(new Uint8Array(1), {});
    revoke();
    expect(refusal({ messages: [{ role: 'user', content: [{ type: 'image', data: proxy }] }] }).argument).toBe('request.messages[0].content[0].data');
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    // Refused from its length alone; walking it would take minutes.
    expect(refusal({ messages: sparse }).argument).toBe('request.messages');
  });
});
