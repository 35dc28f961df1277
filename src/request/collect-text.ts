// Collects every piece of text a request would send, plus the task's prompt, messages and data,
// for the PII scan and the token estimate. It reads the same neutral request the adapter sends:
// every message part (tool-call inputs and tool results of any shape, keys included), the system
// prompt, tool names, descriptions and schemas, stop sequences, headers and provider options.
// What it cannot read completely — a depth, node or size limit, a getter, a cycle — is reported,
// and the caller counts it as PII: the scan fails closed.
import { isArrayValue, ownKeys, ownSlot } from '../own-data.js';
import { base64ToText, resolveData } from './data-content.js';
import type { DataContent, NormalizedRequest } from './types.js';

export interface ScanLimits {
  /** Deepest nesting followed inside a value (the value itself is depth 0). Default 64. */
  maxDepth: number;
  /** Most values visited in one request and task together. Default 1 000 000. */
  maxNodes: number;
  /** Most characters collected. Default 32 000 000. */
  maxChars: number;
}

export const DEFAULT_SCAN_LIMITS: Readonly<ScanLimits> = Object.freeze({ maxDepth: 64, maxNodes: 1_000_000, maxChars: 32_000_000 });

/** Media types whose bytes are text, and so are decoded and scanned. */
const TEXT_MEDIA = /^(text\/|application\/(json|xml|csv|x-ndjson|yaml|x-yaml|javascript|sql)\b)|\+(json|xml)\b/i;

type Frame = { source: object; keys: string[] | number; next: number; depth: number; path: string };

export class TextCollector {
  readonly texts: string[] = [];
  /** Set when something could not be read completely: where and why. */
  incomplete: string | undefined;
  /** Images and binary files seen (their tokens are estimated apart from text). */
  media = 0;
  private nodes = 0;
  private chars = 0;

  constructor(private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS) {}

  /** Whether collecting can stop: once incomplete, the answer is PII whatever follows. */
  get done(): boolean {
    return this.incomplete !== undefined;
  }

  text(value: string): void {
    if (this.done || value.length === 0) return;
    this.chars += value.length;
    if (this.chars > this.limits.maxChars) {
      this.incomplete = `more than ${this.limits.maxChars} characters`;
      return;
    }
    this.texts.push(value);
  }

  /** Every string, key and long number under `value`, iteratively; host objects are read without running getters. */
  value(value: unknown, path: string): void {
    if (this.done) return;
    if (!this.leaf(value, path)) return;
    const open = new Set<object>([value as object]);
    const stack: Frame[] = [this.frame(value as object, 0, path)];
    while (stack.length > 0 && !this.done) {
      const current = stack[stack.length - 1]!;
      const size = typeof current.keys === 'number' ? current.keys : current.keys.length;
      if (current.next >= size) {
        open.delete(current.source);
        stack.pop();
        continue;
      }
      const key = typeof current.keys === 'number' ? current.next : current.keys[current.next]!;
      current.next++;
      if (typeof key === 'string') this.text(key);
      const slot = ownSlot(current.source, key);
      const childPath = typeof key === 'number' ? `${current.path}[${key}]` : `${current.path}.${key}`;
      if (slot.kind === 'accessor') {
        this.incomplete = `${childPath} is an accessor property (getter), which is not read`;
        break;
      }
      if (slot.kind === 'missing' || !this.leaf(slot.value, childPath)) continue;
      const child = slot.value as object;
      if (open.has(child)) {
        this.incomplete = `${childPath} refers back to an enclosing value (a cycle)`;
        break;
      }
      if (current.depth + 1 > this.limits.maxDepth) {
        this.incomplete = `${childPath} is nested deeper than ${this.limits.maxDepth} levels`;
        break;
      }
      open.add(child);
      stack.push(this.frame(child, current.depth + 1, childPath));
    }
  }

  /** Collects a scalar; true when `value` is an object or array still to be walked. */
  private leaf(value: unknown, path: string): boolean {
    if (++this.nodes > this.limits.maxNodes) {
      this.incomplete ??= `more than ${this.limits.maxNodes} values (at ${path})`;
      return false;
    }
    if (typeof value === 'string') this.text(value);
    else if (typeof value === 'number' || typeof value === 'bigint') {
      // A number long enough to be an identifier (a card, account or phone number stored as a
      // number): nine digits or more. Shorter numbers are quantities, not PII.
      if (typeof value === 'bigint' ? value >= 100_000_000n || value <= -100_000_000n : Number.isInteger(value) && Math.abs(value) >= 100_000_000) {
        this.text(String(value));
      }
    } else if (typeof value === 'object' && value !== null) {
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
      if (value instanceof URL) {
        this.text(value.href);
        return false;
      }
      return true;
    }
    return false;
  }

  private frame(source: object, depth: number, path: string): Frame {
    if (isArrayValue(source)) {
      const length = ownSlot(source, 'length');
      return { source, keys: length.kind === 'data' && typeof length.value === 'number' ? length.value : 0, next: 0, depth, path };
    }
    const keys = ownKeys(source);
    if (keys === undefined) this.incomplete ??= `${path} could not be read (a Proxy refused)`;
    return { source, keys: keys ?? [], next: 0, depth, path };
  }

  /** The normalised request, every byte an adapter may send. */
  request(request: NormalizedRequest): void {
    if (request.system !== undefined) this.text(request.system);
    request.messages.forEach((message, index) => {
      const path = `request.messages[${index}]`;
      if (message.role === 'system') return this.text(message.content);
      if (message.role !== 'tool' && message.name !== undefined) this.text(message.name);
      message.content.forEach((part, partIndex) => {
        const partPath = `${path}.content[${partIndex}]`;
        switch (part.type) {
          case 'text':
          case 'reasoning':
            return this.text(part.text);
          case 'image':
          case 'file':
            return this.mediaPart(part.data, part.mediaType, part.type === 'file' ? part.filename : undefined);
          case 'tool-call':
            this.text(part.toolCallId);
            this.text(part.toolName);
            return this.value(part.input, `${partPath}.input`);
          case 'tool-result':
            this.text(part.toolCallId);
            this.text(part.toolName);
            return this.value(part.output, `${partPath}.output`);
        }
      });
    });
    request.tools?.forEach((tool, index) => {
      this.text(tool.name);
      if (tool.description !== undefined) this.text(tool.description);
      this.value(tool.inputSchema, `request.tools[${index}].inputSchema`);
    });
    if (typeof request.toolChoice === 'object') this.text(request.toolChoice.toolName);
    if (request.responseFormat?.type === 'json') this.value(request.responseFormat, 'request.responseFormat');
    request.stop?.forEach((sequence) => this.text(sequence));
    if (request.headers) this.value(request.headers, 'request.headers');
    if (request.providerOptions) this.value(request.providerOptions, 'request.providerOptions');
  }

  /** An image or file: its URL, a text file's decoded content, a file name; binary bytes count as media. */
  private mediaPart(data: DataContent, mediaType: string | undefined, filename: string | undefined): void {
    if (filename !== undefined) this.text(filename);
    const resolved = resolveData(data, mediaType);
    if (resolved.kind === 'url') return this.text(resolved.url);
    if (resolved.mediaType !== undefined && TEXT_MEDIA.test(resolved.mediaType)) {
      const text = base64ToText(resolved.base64);
      if (text === undefined) this.incomplete ??= `a ${resolved.mediaType} file that is not valid base64`;
      else this.text(text);
      return;
    }
    this.media++;
  }

  /** The task's own text: `prompt`, `messages` (any shape) and `data`. */
  task(task: object): void {
    for (const key of ['prompt', 'messages', 'data'] as const) {
      const slot = ownSlot(task, key);
      if (slot.kind === 'accessor') this.incomplete ??= `task.${key} is an accessor property (getter), which is not read`;
      else if (slot.kind === 'data') this.value(slot.value, `task.${key}`);
    }
  }
}
