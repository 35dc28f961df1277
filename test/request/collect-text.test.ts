import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextCollector, DEFAULT_SCAN_LIMITS } from '../../src/request/collect-text.js';
import { normalizeRequest } from '../../src/request/normalize-request.js';

/** Every string and key in a JSON value, as the scan must see them. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsOf(item, out);
    }
  }
  return out;
}

/** A task's text, as the router hands it over from its own copy of the task. */
const taskText = (collector: TextCollector, task: { prompt?: unknown; messages?: unknown; data?: unknown }) => collector.taskCopy(task.prompt, task.messages, task.data);

const collect = (request: unknown, task: object = {}) => {
  const collector = new TextCollector();
  collector.request(normalizeRequest(request));
  taskText(collector, task);
  return collector;
};

describe('TextCollector: every byte a request sends', () => {
  it('reads every string and key of any JSON value, wherever the request carries one (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom('input', 'output', 'schema', 'options', 'format'), (value, where) => {
        const request = {
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 't', input: where === 'input' ? value : {} }] },
            { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 't', output: where === 'output' ? { type: 'json', value } : 'ok' }] },
          ],
          tools: [{ name: 't', inputSchema: where === 'schema' ? { type: 'object', x: value } : { type: 'object' } }],
          ...(where === 'options' ? { providerOptions: { openai: { extra: value } } } : {}),
          ...(where === 'format' ? { responseFormat: { type: 'json', schema: { examples: [value] } } } : {}),
        };
        const { texts, incomplete } = collect(request);
        expect(incomplete).toBeUndefined();
        for (const text of stringsOf(value)) if (text !== '') expect(texts).toContain(text);
      }),
    );
  });

  it('names, system, tool names and descriptions, stop sequences, headers, tool choice, ids', () => {
    const { texts } = collect({
      system: 'S',
      messages: [
        { role: 'user', content: 'U', name: 'N' },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'R' }, { type: 'tool-call', toolCallId: 'ID', toolName: 'TN', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'ID', toolName: 'TN', output: 'O' }] },
      ],
      tools: [{ name: 'TN', description: 'D', inputSchema: {} }],
      toolChoice: { type: 'tool', toolName: 'TN' },
      stop: ['ST'],
      headers: { 'H-K': 'H-V' },
    });
    for (const text of ['S', 'U', 'N', 'R', 'ID', 'TN', 'O', 'D', 'ST', 'H-K', 'H-V']) expect(texts).toContain(text);
  });

  it('an image URL and a text file are read; image bytes and a PDF count as media', () => {
    const collector = collect({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', data: 'https://img.example/a.png?u=ann' },
            { type: 'file', data: Buffer.from('notes: ann').toString('base64'), mediaType: 'text/csv', filename: 'a.csv' },
            { type: 'file', data: 'data:application/json;base64,' + Buffer.from('{"who":"ann"}').toString('base64'), mediaType: 'application/json' },
            { type: 'image', data: new Uint8Array([1, 2]), mediaType: 'image/png' },
            { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf' },
          ],
        },
      ],
    });
    expect(collector.texts).toEqual(expect.arrayContaining(['https://img.example/a.png?u=ann', 'notes: ann', 'a.csv', '{"who":"ann"}']));
    expect(collector.media).toBe(2);
  });

  it("the task's prompt, messages of any shape and data, long numbers included", () => {
    const collector = new TextCollector();
    taskText(collector, { prompt: 'P', messages: [{ any: { shape: 'M' } }], data: { card: 4111111111111111, small: 42, nested: ['D'] } });
    expect(collector.texts).toEqual(expect.arrayContaining(['P', 'M', '4111111111111111', 'D', 'card', 'nested']));
    expect(collector.texts).not.toContain('42');
  });
});

describe('TextCollector: what it cannot read completely is reported (the caller fails closed)', () => {
  it('nesting deeper than the limit', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < DEFAULT_SCAN_LIMITS.maxDepth + 1; i++) deep = [deep];
    const collector = new TextCollector();
    taskText(collector, { data: { deep } });
    expect(collector.incomplete).toMatch(/nested deeper than 64 levels/);
    // One level less is read completely.
    let ok: unknown = 'x';
    for (let i = 0; i < DEFAULT_SCAN_LIMITS.maxDepth - 1; i++) ok = [ok];
    const fine = new TextCollector();
    fine.value(ok, 'task.data');
    expect(fine.incomplete).toBeUndefined();
    expect(fine.texts).toEqual(['x']);
  });

  it('more values or characters than the limits', () => {
    const nodes = new TextCollector({ ...DEFAULT_SCAN_LIMITS, maxNodes: 10 });
    nodes.value(Array.from({ length: 20 }, (_, i) => i), 'task.data');
    expect(nodes.incomplete).toMatch(/more than 10 values/);
    const chars = new TextCollector({ ...DEFAULT_SCAN_LIMITS, maxChars: 5 });
    chars.text('abcdef');
    expect(chars.incomplete).toMatch(/more than 5 characters/);
  });

  it('a getter (never run), a cycle, and a Proxy that refuses', () => {
    let ran = false;
    const getter = new TextCollector();
    taskText(getter, { data: Object.defineProperty({}, 'x', { enumerable: true, get: () => ((ran = true), 'v') }) });
    expect(getter.incomplete).toMatch(/task\.data\.x is an accessor/);
    expect(ran).toBe(false);

    const loop: Record<string, unknown> = {};
    loop.again = [loop];
    const cycle = new TextCollector();
    taskText(cycle, { data: loop });
    expect(cycle.incomplete).toMatch(/task\.data\.again\[0\] refers back/);

    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const refused = new TextCollector();
    taskText(refused, { data: { inner: proxy } });
    expect(refused.incomplete).toBeDefined();

    // Shared references are not cycles.
    const shared = { s: 'v' };
    const dag = new TextCollector();
    taskText(dag, { data: { a: shared, b: shared } });
    expect(dag.incomplete).toBeUndefined();
  });
});
