// The SDK adapters hand the SDKs every option of a request the SDKs read (undefined when not set): a
// value planted on Object.prototype under one of their names — `defaultBaseURL` above all, which the
// SDKs take over the client's default host — changes neither where a request goes nor what it
// carries. The clients here keep the SDKs' default hosts and answer through a `fetch` of the test's;
// they are made as the adapters make theirs, with `fetchOptions` given (a client the host makes
// without it reads the SDK's own default through Object.prototype: the host's to give).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/anthropic.js';
import { createOpenAIProvider } from '../../src/openai.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { requestOf } from '../../src/request/normalize-request.js';

const OPENAI_ANSWER = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
const ANTHROPIC_ANSWER = { id: 'x', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };

/** Where each call went and what it carried. */
function recorder(answer: unknown) {
  const seen: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push(`${String(url)} ${[...headers.keys()].filter((name) => !name.startsWith('x-stainless') && name !== 'idempotency-key').sort().join(',')}`);
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetch };
}

const REQUEST: ProviderRequest = { ...requestOf([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]), model: 'm' };

const PLANTED: [string, unknown][] = [
  ['defaultBaseURL', 'http://planted.invalid/v1'],
  ['query', { planted: '1' }],
  ['headers', { 'x-planted': '1' }],
  ['fetchOptions', { headers: { 'x-planted': '1' } }],
  ['idempotencyKey', 'planted'],
  ['__security', {}],
];

async function calls() {
  const openai = recorder(OPENAI_ANSWER);
  const anthropic = recorder(ANTHROPIC_ANSWER);
  await createOpenAIProvider({ client: new OpenAI({ apiKey: 'k', fetch: openai.fetch, fetchOptions: undefined, maxRetries: 0 }) }).complete(REQUEST);
  await createAnthropicProvider({ client: new Anthropic({ apiKey: 'k', fetch: anthropic.fetch, fetchOptions: undefined, maxRetries: 0 }) }).complete(REQUEST);
  return [...openai.seen, ...anthropic.seen];
}

describe("the SDK adapters' request options and a polluted Object.prototype", () => {
  it('no request option planted there changes where a call goes or what it carries', async () => {
    const clean = await calls();
    expect(clean[0]).toMatch(/^https:\/\/api\.openai\.com\/v1\/chat\/completions /);
    expect(clean[1]).toMatch(/^https:\/\/api\.anthropic\.com\/v1\/messages /);
    const changed: string[] = [];
    for (const [key, value] of PLANTED) {
      const proto = Object.prototype as Record<string, unknown>;
      proto[key] = value;
      try {
        const seen = await calls().catch((error: Error) => [`threw ${error.message}`]);
        if (JSON.stringify(seen) !== JSON.stringify(clean)) changed.push(`${key}: ${seen.join(' | ')}`);
      } finally {
        delete proto[key];
      }
    }
    expect(changed).toEqual([]);
  });
});
