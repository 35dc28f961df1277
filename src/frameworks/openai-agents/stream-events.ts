// A router stream as the Agents SDK's model stream events: `response_started` once the router has a
// model that answers, `output_text_delta` per text delta, every other part (reasoning, tool-call
// input, tool calls) as a raw `model` event, and `response_done` with the whole response.
import type { StreamEvent } from '@openai/agents-core';
import type { RouterStreamPart } from '../../execution/types.js';
import { responseDoneOf } from './result-to-response.js';
import { asSdkAbort } from './sdk-abort.js';

export async function* toStreamEvents(parts: AsyncIterable<RouterStreamPart>, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent, void, undefined> {
  try {
    for await (const part of parts) {
      switch (part.type) {
        case 'start':
          yield { type: 'response_started', providerData: { router: { modelId: part.modelId } } };
          break;
        case 'text-delta':
          yield { type: 'output_text_delta', delta: part.text };
          break;
        case 'finish':
          yield responseDoneOf(part.result, `resp_router_${globalThis.crypto.randomUUID()}`);
          break;
        default:
          yield { type: 'model', event: part };
      }
    }
  } catch (error) {
    throw asSdkAbort(error, signal);
  }
}
