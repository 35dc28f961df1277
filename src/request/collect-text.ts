// Collects every piece of text a request would send, plus the task's prompt, messages and data,
// for the PII scan and the token estimate. It reads the same neutral request the adapter sends:
// every message part (tool-call inputs and tool results of any shape, keys included), the system
// prompt, tool names, descriptions and schemas, stop sequences, headers and provider options.
// What it cannot read completely — a depth, node or size limit, a getter, a cycle — is reported,
// and the caller counts it as PII: the scan fails closed.
import { objectKind, walkOwnData } from '../own-data.js';
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

  /** Every string, key and long number under `value`; host objects are read without running getters. */
  value(value: unknown, path: string): void {
    if (this.done || !this.leaf(value, path)) return;
    walkOwnData(value as object, path, {
      visit: ({ key, slot, path: childPath, depth }) => {
        if (typeof key === 'string') this.text(key);
        if (slot.kind === 'accessor') this.incomplete = `${childPath} is an accessor property (getter), which is not read`;
        else if (slot.kind === 'data' && this.leaf(slot.value, childPath)) {
          if (depth > this.limits.maxDepth) this.incomplete = `${childPath} is nested deeper than ${this.limits.maxDepth} levels`;
          else return 'descend';
        }
        return this.done ? 'stop' : 'next';
      },
      cycle: (cyclePath) => {
        this.incomplete = `${cyclePath} refers back to an enclosing value (a cycle)`;
      },
      unreadable: (unreadablePath) => {
        this.incomplete ??= `${unreadablePath} could not be read (a Proxy refused)`;
      },
    });
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
      switch (objectKind(value)) {
        case 'plain':
          return true;
        case 'url':
          this.text((value as URL).href);
          return false;
        case 'date':
        case 'bytes':
          return false;
        case 'unreadable':
          this.incomplete ??= `${path} could not be read (a revoked Proxy)`;
          return false;
      }
    }
    return false;
  }

  /** The normalised request, every byte an adapter may send. */
  request(request: NormalizedRequest): void {
    if (request.system !== undefined) this.text(request.system);
    request.messages.forEach((message, index) => {
      const path = `request.messages[${index}]`;
      if (message.role === 'system') return this.text(message.content);
      // Optional fields as the adapters read them: the object's own (a planted one is neither sent nor read).
      if (message.role !== 'tool' && Object.hasOwn(message, 'name') && message.name !== undefined) this.text(message.name);
      message.content.forEach((part, partIndex) => {
        const partPath = `${path}.content[${partIndex}]`;
        switch (part.type) {
          case 'text':
          case 'reasoning':
            return this.text(part.text);
          case 'image':
          case 'file':
            return this.mediaPart(part.data, Object.hasOwn(part, 'mediaType') ? part.mediaType : undefined, part.type === 'file' && Object.hasOwn(part, 'filename') ? part.filename : undefined);
          case 'tool-call':
            this.text(part.toolCallId);
            this.text(part.toolName);
            return this.value(part.input, `${partPath}.input`);
          case 'tool-result':
            this.text(part.toolCallId);
            this.text(part.toolName);
            // Rich content carries media an adapter may send (a text file as a document): read as media.
            if (part.output.type === 'content' && Array.isArray(part.output.value)) {
              part.output.value.forEach((item, itemIndex) => {
                if (item.type === 'media' && typeof item.data === 'string') this.mediaPart(item.data, typeof item.mediaType === 'string' ? item.mediaType : undefined, undefined);
                else this.value(item, `${partPath}.output.value[${itemIndex}]`);
              });
              return;
            }
            return this.value(part.output, `${partPath}.output`);
        }
      });
    });
    request.tools?.forEach((tool, index) => {
      this.text(tool.name);
      if (Object.hasOwn(tool, 'description') && tool.description !== undefined) this.text(tool.description);
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
    if (mediaType !== undefined) this.text(mediaType);
    const resolved = resolveData(data, mediaType);
    if (resolved.kind === 'url') return this.text(resolved.url);
    // As the adapters read it: the type without its parameters, trimmed, in lower case.
    const type = resolved.mediaType?.split(';')[0]!.trim().toLowerCase();
    if (type !== undefined && TEXT_MEDIA.test(type)) {
      const text = base64ToText(resolved.base64);
      if (text === undefined) this.incomplete ??= `a ${resolved.mediaType} file that is not valid base64`;
      else this.text(text);
      return;
    }
    this.media++;
  }

  /**
   * The text of the router's own copy of a task (checkTask: data fields only, read by the caller):
   * its `prompt`, `messages` (any shape) and `data`, each when present.
   */
  taskCopy(prompt: unknown, messages: unknown, data: unknown): void {
    if (prompt !== undefined) this.value(prompt, 'task.prompt');
    if (messages !== undefined) this.value(messages, 'task.messages');
    if (data !== undefined) this.value(data, 'task.data');
  }
}
