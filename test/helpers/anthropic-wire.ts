// Anthropic Messages streams with any mix of content blocks (text, thinking, tool_use with its
// input split over several input_json_delta events), for the wire server to play.
import type { SseEvent, WireReply } from './wire-server.js';

export type StreamBlock =
  | { type: 'text'; deltas: string[] }
  | { type: 'thinking'; deltas: string[] }
  /** `json` is the tool's input in the pieces the server sends it. */
  | { type: 'tool_use'; id: string; name: string; json: string[] };

export interface StreamOptions {
  model?: string;
  stopReason?: string;
  /** `message_start`'s usage. */
  startUsage?: Record<string, unknown>;
  /** `message_delta`'s cumulative usage. */
  deltaUsage?: Record<string, unknown>;
}

function startBlock(block: StreamBlock): unknown {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function delta(block: StreamBlock, piece: string): unknown {
  switch (block.type) {
    case 'text':
      return { type: 'text_delta', text: piece };
    case 'thinking':
      return { type: 'thinking_delta', thinking: piece };
    case 'tool_use':
      return { type: 'input_json_delta', partial_json: piece };
  }
}

export function anthropicStreamEvents(blocks: StreamBlock[], options: StreamOptions = {}): SseEvent[] {
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_stream',
          type: 'message',
          role: 'assistant',
          model: options.model ?? 'claude-test',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: options.startUsage ?? { input_tokens: 30, output_tokens: 1 },
        },
      },
    },
  ];
  blocks.forEach((block, index) => {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: startBlock(block) } });
    const pieces = block.type === 'tool_use' ? block.json : block.deltas;
    for (const piece of pieces) {
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: delta(block, piece) } });
    }
    if (block.type === 'thinking') {
      events.push({
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'sig' } },
      });
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push(
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: options.stopReason ?? 'end_turn', stop_sequence: null },
        usage: options.deltaUsage ?? { output_tokens: 12 },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

export function anthropicStream(blocks: StreamBlock[], options: StreamOptions = {}): WireReply {
  return { type: 'sse', events: anthropicStreamEvents(blocks, options), ending: 'end' };
}
