// A tool result's output as the text a provider's tool message carries, for every adapter alike:
// text as it is, JSON serialised, the text parts of rich content (media cannot travel as text).
import type { ToolResultOutput } from './types.js';

export function toolOutputText(output: ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value ?? null);
    case 'content':
      return output.value.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    default:
      return JSON.stringify(output as unknown) ?? 'null';
  }
}
