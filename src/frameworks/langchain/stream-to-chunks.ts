// The router's stream parts → LangChain `AIMessageChunk`s: text deltas as string content, tool-call
// fragments as `tool_call_chunks` (id and name on a call's first chunk only, its index on every
// one, as LangChain merges them), and a last chunk with the usage and `response_metadata.router`.
import { AIMessageChunk } from '@langchain/core/messages';
import type { RouterStreamPart } from '../../execution/types.js';
import { responseMetadataOf, routerMetadata, toolCallChunks, toUsageMetadata } from './result-to-message.js';

export class StreamChunks {
  /** Tool-call ids → their `index` in `tool_call_chunks`. */
  private readonly indexes = new Map<string, number>();

  /** The chunk for one part; undefined for parts LangChain has no chunk for (start, input end). */
  toChunk(part: RouterStreamPart): AIMessageChunk | undefined {
    switch (part.type) {
      case 'text-delta':
        return new AIMessageChunk({ content: part.text });
      case 'reasoning-delta':
        return new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: part.text } });
      case 'tool-input-start':
        return this.toolChunk({ id: part.id, name: part.toolName, args: '', index: this.open(part.id) });
      case 'tool-input-delta': {
        const known = this.indexes.get(part.id);
        // A delta for a call that never started: it starts here, with its id.
        if (known === undefined) return this.toolChunk({ id: part.id, args: part.delta, index: this.open(part.id) });
        return this.toolChunk({ args: part.delta, index: known });
      }
      case 'tool-call': {
        // Streamed already through its input deltas; a provider that sends whole calls only is sent here.
        if (this.indexes.has(part.toolCallId)) return undefined;
        const [chunk] = toolCallChunks([part], this.open(part.toolCallId));
        return this.toolChunk(chunk!);
      }
      case 'finish': {
        const { result } = part;
        return new AIMessageChunk({
          content: '',
          usage_metadata: toUsageMetadata(result.usage),
          response_metadata: { ...responseMetadataOf(result), router: routerMetadata(result) },
        });
      }
      default:
        return undefined;
    }
  }

  private open(id: string): number {
    const index = this.indexes.size;
    this.indexes.set(id, index);
    return index;
  }

  private toolChunk(chunk: { id?: string; name?: string; args: string; index: number }): AIMessageChunk {
    return new AIMessageChunk({ content: '', tool_call_chunks: [{ type: 'tool_call_chunk', ...chunk }] });
  }
}
