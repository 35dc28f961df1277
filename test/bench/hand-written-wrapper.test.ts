// The floor `router.complete()` is benchmarked against must do the jobs it claims, or the
// comparison flatters nobody: it scans every message, keeps PII local, sends the output limit the
// reservation covers, refuses a call the day's budget cannot cover and books what each call cost.
import { describe, expect, it } from 'vitest';
import { handWrittenWrapper, type ChatClient, type WrapperSettings } from '../../bench/hand-written-wrapper.js';

const SETTINGS: WrapperSettings = {
  cloudModel: 'cloud-model',
  localModel: 'local-model',
  inputPrice: 0.01,
  outputPrice: 0.03,
  maxOutputTokens: 1000,
  dailyBudgetUsd: 0.1,
  deadlineMs: 5000,
};

function recordingClient(usage = { prompt_tokens: 100, completion_tokens: 1000 }) {
  const sent: { body: Parameters<ChatClient['chat']['completions']['create']>[0]; options: Parameters<ChatClient['chat']['completions']['create']>[1] }[] = [];
  const client: ChatClient = {
    chat: {
      completions: {
        create: async (body, options) => {
          sent.push({ body, options });
          return { choices: [{ message: { content: 'ok' } }], usage };
        },
      },
    },
  };
  return { client, sent };
}

describe('the hand-written wrapper (the benchmark floor)', () => {
  it('sends a copy of the messages to the cloud model with the reserved output limit and the deadline', async () => {
    const { client, sent } = recordingClient();
    const wrapper = handWrittenWrapper(client, SETTINGS);
    const messages = [{ role: 'user' as const, content: 'Which database should the billing service use?' }];
    await expect(wrapper('agent', messages)).resolves.toBe('ok');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual({ model: 'cloud-model', messages, max_tokens: 1000 });
    expect(sent[0]!.body.messages[0]).not.toBe(messages[0]);
    expect(sent[0]!.options).toEqual({ maxRetries: 0, timeout: 5000 });
  });

  it('keeps a conversation with PII in any message local', async () => {
    const { client, sent } = recordingClient();
    const wrapper = handWrittenWrapper(client, SETTINGS);
    await wrapper('agent', [
      { role: 'user', content: 'Hello' },
      { role: 'user', content: 'My SSN is 123-45-6789' },
    ]);
    expect(sent[0]!.body.model).toBe('local-model');
  });

  it('counts a call in flight against the budget until it is booked', async () => {
    let answer: (value: Awaited<ReturnType<ChatClient['chat']['completions']['create']>>) => void = () => {};
    const client: ChatClient = { chat: { completions: { create: () => new Promise((resolve) => (answer = resolve)) } } };
    const wrapper = handWrittenWrapper(client, { ...SETTINGS, dailyBudgetUsd: 0.05 });
    const messages = [{ role: 'user' as const, content: 'Which database should the billing service use?' }];
    const first = wrapper('agent', messages);
    await expect(wrapper('agent', messages)).rejects.toThrow('over the daily budget');
    const small = { choices: [{ message: { content: 'ok' } }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    answer(small);
    await expect(first).resolves.toBe('ok');
    // Booked at what it used, the reservation freed: the next call fits again.
    const next = wrapper('agent', messages);
    answer(small);
    await expect(next).resolves.toBe('ok');
  });

  it('books each call and refuses the one the rest of the day cannot cover', async () => {
    // Each call reserves (12 input tokens × 0.01 + 1 000 × 0.03) / 1 000 = 0.03012 USD and books 0.0310.
    const { client, sent } = recordingClient();
    const wrapper = handWrittenWrapper(client, SETTINGS);
    const messages = [{ role: 'user' as const, content: 'Which database should the billing service use?' }];
    await wrapper('agent', messages);
    await wrapper('agent', messages);
    await wrapper('agent', messages);
    await expect(wrapper('agent', messages)).rejects.toThrow('agent: over the daily budget');
    // One budget for the day, as the router's `routing.budget.daily`: another agent is refused too.
    await expect(wrapper('other', messages)).rejects.toThrow('other: over the daily budget');
    expect(sent).toHaveLength(3);
  });

  it('refuses content it cannot scan', async () => {
    const { client, sent } = recordingClient();
    const wrapper = handWrittenWrapper(client, SETTINGS);
    await expect(wrapper('agent', [{ role: 'user', content: 42 as unknown as string }])).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(0);
  });
});
