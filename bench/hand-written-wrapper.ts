// The least a router can do around an SDK call, written by hand: the floor `router.complete()` is
// measured against, beside the bare SDK call. It does, in the fewest lines, the jobs no router can
// skip — copy the caller's messages, scan every byte sent for PII with the same detector the router
// uses, pick a model (local when PII is found), check and reserve the day's budget, give the call a
// deadline, send it with the output limit the reservation covers, then price the answer, book
// it and free the reservation — and nothing else: no configuration, rules, strategies, trace,
// fallbacks, retries, circuit breaker, rate window, metrics or events.
//
// `complete.bench.ts` runs it against the same local server as the bare SDK and the router (its
// cost over HTTP) and against an instant stand-in for the SDK (its own CPU time), which together
// give what a microsecond of work before the call costs the call on this machine.
import { defaultPiiDetector } from 'llm-agent-router';

/** The router's own scan: the detector's fast path (it stops at the first finding). */
const containsPii = (text: string) => (defaultPiiDetector.containsPii ? defaultPiiDetector.containsPii(text) : defaultPiiDetector.detect(text).length > 0);

/** The part of the OpenAI client the wrapper calls: the SDK's own, or an instant stand-in. */
export interface ChatClient {
  chat: {
    completions: {
      create(
        body: { model: string; messages: { role: 'user' | 'assistant' | 'system'; content: string }[]; max_tokens: number },
        options: { maxRetries: number; timeout: number },
      ): Promise<{ choices: { message: { content: string | null } }[]; usage?: { prompt_tokens: number; completion_tokens: number } }>;
    };
  };
}

export interface WrapperSettings {
  cloudModel: string;
  localModel: string;
  /** USD per 1 000 tokens. */
  inputPrice: number;
  outputPrice: number;
  maxOutputTokens: number;
  dailyBudgetUsd: number;
  deadlineMs: number;
}

export type Message = { role: 'user' | 'assistant' | 'system'; content: string };

/** A wrapper over `client` keeping the day's spend (one budget for every agent) in memory; returns the answer's text. */
export function handWrittenWrapper(client: ChatClient, settings: WrapperSettings): (agentId: string, messages: readonly Message[]) => Promise<string> {
  let spentUsd = 0;
  let reservedUsd = 0;
  return async (agentId, given) => {
    const messages: Message[] = [];
    let pii = false;
    for (const message of given) {
      if (typeof message.content !== 'string') throw new TypeError('content must be a string');
      if (!pii && containsPii(message.content)) pii = true;
      messages.push({ role: message.role, content: message.content });
    }
    const local = pii;
    const model = local ? settings.localModel : settings.cloudModel;
    let estimate = 0;
    if (!local) {
      let chars = 0;
      for (const message of messages) chars += message.content.length;
      estimate = (Math.ceil(chars / 4) * settings.inputPrice + settings.maxOutputTokens * settings.outputPrice) / 1000;
      if (spentUsd + reservedUsd + estimate > settings.dailyBudgetUsd) throw new Error(`${agentId}: over the daily budget`);
      reservedUsd += estimate;
    }
    try {
      // The SDK arms the deadline itself (its `timeout`), as the router's OpenAI adapter lets it.
      const completion = await client.chat.completions.create({ model, messages, max_tokens: settings.maxOutputTokens }, { maxRetries: 0, timeout: settings.deadlineMs });
      if (!local) {
        const usage = completion.usage ?? { prompt_tokens: 0, completion_tokens: 0 };
        spentUsd += (usage.prompt_tokens * settings.inputPrice + usage.completion_tokens * settings.outputPrice) / 1000;
      }
      return completion.choices[0]?.message.content ?? '';
    } finally {
      reservedUsd -= estimate;
    }
  };
}
