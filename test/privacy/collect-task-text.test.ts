import { describe, expect, it } from 'vitest';

import { collectTaskText, defaultPiiDetector } from '../../src/privacy/index.js';

describe('collectTaskText', () => {
  it('collects the prompt, the messages and the strings of data, in that order', () => {
    const task = {
      prompt: 'the prompt',
      messages: [
        'a plain string message',
        { role: 'user', content: 'string content' },
        { role: 'user', content: [{ type: 'text', text: 'a text part' }, { type: 'image_url', image_url: { url: 'http://x' } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'tool output' }] }],
        },
      ],
      data: { customer: { name: 'Jane', emails: ['jane@example.com', 'j@example.org'] }, count: 3, ok: true },
      complexity: 9,
      type: 'not collected',
    };
    expect(collectTaskText(task)).toEqual([
      'the prompt',
      'a plain string message',
      'string content',
      'a text part',
      'tool output',
      'Jane',
      'jane@example.com',
      'j@example.org',
    ]);
  });

  it('accepts data that is itself a string', () => {
    expect(collectTaskText({ data: 'just a string' })).toEqual(['just a string']);
  });

  it('ignores fields of the wrong type', () => {
    expect(collectTaskText({ prompt: 42, messages: 'not an array', data: 7 })).toEqual([]);
    expect(collectTaskText({ messages: [null, 3, { content: 5 }, { content: [null, 4, { text: 9 }] }] })).toEqual([]);
  });

  it('survives cycles', () => {
    const data: Record<string, unknown> = { name: 'loop' };
    data['self'] = data;
    const list: unknown[] = ['in a list'];
    list.push(list);
    data['list'] = list;
    const messages: unknown[] = [{ content: 'hi' }];
    expect(collectTaskText({ messages, data })).toEqual(['hi', 'loop', 'in a list']);
  });

  it('visits an object shared by two branches once', () => {
    const shared = { note: 'shared' };
    expect(collectTaskText({ data: { a: shared, b: shared } })).toEqual(['shared']);
  });

  it('never runs a getter, on data or on the task itself', () => {
    let calls = 0;
    const data = { plain: 'visible' };
    Object.defineProperty(data, 'secret', {
      enumerable: true,
      get() {
        calls++;
        return 'from a getter';
      },
    });
    const task = { data };
    Object.defineProperty(task, 'prompt', {
      enumerable: true,
      get() {
        calls++;
        return 'prompt from a getter';
      },
    });
    class WithAccessor {
      own = 'own field';
      get derived(): string {
        calls++;
        return 'derived';
      }
    }
    (data as Record<string, unknown>)['instance'] = new WithAccessor();
    expect(collectTaskText(task)).toEqual(['visible', 'own field']);
    expect(calls).toBe(0);
  });

  it('skips non-enumerable and symbol-keyed properties', () => {
    const data: Record<string | symbol, unknown> = { shown: 'shown' };
    Object.defineProperty(data, 'hidden', { value: 'hidden', enumerable: false });
    data[Symbol('s')] = 'symbol';
    expect(collectTaskText({ data })).toEqual(['shown']);
  });

  it('stops at the depth limit', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let depth = 1; depth <= 100; depth++) {
      const child: Record<string, unknown> = { text: `depth ${depth}` };
      node['child'] = child;
      node = child;
    }
    const texts = collectTaskText({ data: root });
    expect(texts).toContain('depth 64');
    expect(texts).not.toContain('depth 65');
    expect(collectTaskText({ data: root }, { maxDepth: 2 })).toEqual(['depth 1', 'depth 2']);
    expect(collectTaskText({ data: root }, { maxDepth: 1000 })).toHaveLength(100);
  });

  it('handles data nested far deeper than the call stack', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let depth = 0; depth < 50_000; depth++) {
      const child: Record<string, unknown> = {};
      node['c'] = child;
      node = child;
    }
    node['text'] = 'bottom';
    expect(collectTaskText({ data: root }, { maxDepth: Number.POSITIVE_INFINITY })).toEqual(['bottom']);
  });

  it('does not throw on hostile proxies and skips binary data', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    const revocable = Proxy.revocable({ a: 'x' }, {});
    revocable.revoke();
    const data = { hostile, revoked: revocable.proxy, bytes: new Uint8Array(1_000_000), fine: 'fine' };
    expect(collectTaskText({ data })).toEqual(['fine']);
    expect(collectTaskText(revocable.proxy as Record<string, unknown>)).toEqual([]);
  });

  it('returns nothing for a task that is not an object', () => {
    expect(collectTaskText(null as unknown as Record<string, unknown>)).toEqual([]);
    expect(collectTaskText('a string' as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('feeds the detector: PII anywhere in a task is found', () => {
    const task = { prompt: 'summarise', data: { rows: [{ contact: { email: 'jane@example.com' } }] } };
    expect(collectTaskText(task).some((text) => defaultPiiDetector.containsPii?.(text))).toBe(true);
  });
});

describe('collectTaskText: identifiers stored as numbers', () => {
  it('scans long integers and bigints in data, and a card number stored as a number is found', async () => {
    const { collectTaskText, defaultPiiDetector } = await import('../../src/privacy/index.js');
    const texts = collectTaskText({ data: { card: 4111111111111111, account: 12345678901234567890n, quantity: 12, price: 99.5 } });
    expect(texts).toEqual(['4111111111111111', '12345678901234567890']);
    expect(texts.some((text) => defaultPiiDetector.detect(text).some((f) => f.kind === 'credit_card'))).toBe(true);
  });
});
