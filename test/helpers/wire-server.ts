// A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions and Anthropic messages
// wire formats, so the adapters are tested through the real SDKs, sockets and SSE parsing.
// Each request takes the next scripted reply; every request is recorded for assertions.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
}

export interface SseEvent {
  /** The `event:` field (Anthropic names every event; OpenAI sends none). */
  event?: string;
  /** An object is sent as JSON; a string as it is (e.g. `[DONE]` or deliberately broken JSON). */
  data: unknown;
}

export type WireReply =
  /** A JSON body. `delayMs` holds back the status line too, to outlast a client timeout. */
  | { type: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Any text, e.g. malformed JSON under an `application/json` content type. */
  | { type: 'text'; status?: number; body: string; contentType?: string; headers?: Record<string, string>; delayMs?: number }
  /**
   * A server-sent-event stream. `ending: 'end'` closes the response cleanly after the events;
   * `'destroy'` kills the socket after them, as a crashed server or a dropped connection would.
   * `pauseAfter` waits that long after the given number of events (to abort mid-stream).
   */
  | {
      type: 'sse';
      events: SseEvent[];
      ending: 'end' | 'destroy';
      headers?: Record<string, string>;
      delayMs?: number;
      pause?: { afterEvents: number; ms: number };
    }
  /** Reset the connection without answering. */
  | { type: 'destroy'; delayMs?: number };

export type WireScript = WireReply | ((request: RecordedRequest) => WireReply);

export interface WireServer {
  /** `http://127.0.0.1:<port>`, without a path. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replies for the next requests, in order. */
  enqueue(...replies: WireScript[]): void;
  /** The reply when the queue is empty. Default: HTTP 500 saying no reply was scripted. */
  setFallback(reply: WireScript): void;
  /** Clears the recorded requests, the queue and the fallback. */
  reset(): void;
  close(): Promise<void>;
}

const UNSCRIPTED: WireReply = {
  type: 'json',
  status: 500,
  body: { error: { message: 'wire-server: no reply scripted for this request', type: 'server_error' } },
};

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function encodeEvent(event: SseEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}

export async function startWireServer(): Promise<WireServer> {
  const requests: RecordedRequest[] = [];
  const queue: WireScript[] = [];
  let fallback: WireScript = UNSCRIPTED;
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const write = (res: ServerResponse, text: string) =>
    new Promise<void>((resolve) => {
      if (res.destroyed) return resolve();
      res.write(text, () => resolve());
    });

  async function respond(req: IncomingMessage, res: ServerResponse, reply: WireReply): Promise<void> {
    if (reply.delayMs) await sleep(reply.delayMs);
    // The client may have given up (timeout, abort) while we waited.
    if (res.destroyed || req.socket.destroyed) return;
    switch (reply.type) {
      case 'destroy':
        req.socket.destroy();
        return;
      case 'json':
      case 'text': {
        const body = reply.type === 'json' ? JSON.stringify(reply.body) : reply.body;
        const contentType = reply.type === 'json' ? 'application/json' : (reply.contentType ?? 'application/json');
        res.writeHead(reply.status ?? 200, {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          ...reply.headers,
        });
        res.end(body);
        return;
      }
      case 'sse': {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          ...reply.headers,
        });
        res.flushHeaders();
        let sent = 0;
        for (const event of reply.events) {
          await write(res, encodeEvent(event));
          sent++;
          if (reply.pause && reply.pause.afterEvents === sent) await sleep(reply.pause.ms);
          if (res.destroyed) return;
        }
        if (reply.ending === 'end') {
          res.end();
        } else {
          // Let the written events reach the client before the connection dies under it.
          await sleep(20);
          req.socket.destroy();
        }
        return;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: parseBody(text),
      };
      requests.push(recorded);
      const script = queue.shift() ?? fallback;
      const reply = typeof script === 'function' ? script(recorded) : script;
      await respond(req, res, reply);
    })().catch(() => {
      req.socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setFallback: (reply) => {
      fallback = reply;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      fallback = UNSCRIPTED;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts a server for the enclosing test file (beforeAll), clears its script and records after
 * each test, and stops it (afterAll). The returned object is usable at module level.
 */
export function useWireServer(): WireServer {
  let current: WireServer | undefined;
  beforeAll(async () => {
    current = await startWireServer();
  });
  afterEach(() => current?.reset());
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  const started = (): WireServer => {
    if (!current) throw new Error('wire-server: not started; use it inside a test or hook');
    return current;
  };
  return {
    get url() {
      return started().url;
    },
    get requests() {
      return started().requests;
    },
    enqueue: (...replies) => started().enqueue(...replies),
    setFallback: (reply) => started().setFallback(reply),
    reset: () => started().reset(),
    close: () => started().close(),
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat-completions wire format

export interface OpenAIReplyOptions {
  model?: string;
  finishReason?: string;
  /** `null` leaves usage out, as some local servers do. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  toolCalls?: unknown[];
}

export const openaiWire = {
  completion(text: string | null, options: OpenAIReplyOptions = {}): WireReply {
    const usage = options.usage === undefined ? { prompt_tokens: 12, completion_tokens: 5 } : options.usage;
    return {
      type: 'json',
      body: {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: options.model ?? 'gpt-test',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text,
              ...(options.toolCalls ? { tool_calls: options.toolCalls } : {}),
            },
            finish_reason: options.finishReason ?? 'stop',
            logprobs: null,
          },
        ],
        ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
      },
    };
  },

  /** The events of a streamed answer: a role chunk, one chunk per delta, the finish, usage, [DONE]. */
  streamEvents(deltas: string[], options: OpenAIReplyOptions = {}): SseEvent[] {
    const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: options.model ?? 'gpt-test' };
    const chunk = (delta: object, finish: string | null = null) => ({
      data: { ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] },
    });
    const usage = options.usage === undefined ? { prompt_tokens: 12, completion_tokens: deltas.length } : options.usage;
    return [
      chunk({ role: 'assistant', content: '' }),
      ...deltas.map((content) => chunk({ content })),
      chunk({}, options.finishReason ?? 'stop'),
      ...(usage
        ? [{ data: { ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } }]
        : []),
      { data: '[DONE]' },
    ];
  },

  stream(deltas: string[], options: OpenAIReplyOptions = {}): WireReply {
    return { type: 'sse', events: openaiWire.streamEvents(deltas, options), ending: 'end' };
  },

  /** The role chunk and the deltas, then the socket dies: no finish, no usage, no [DONE]. */
  streamCut(deltas: string[]): WireReply {
    return { type: 'sse', events: openaiWire.streamEvents(deltas).slice(0, 1 + deltas.length), ending: 'destroy' };
  },

  /** The role chunk and the deltas, then a clean end of the response without a finish_reason. */
  streamWithoutFinish(deltas: string[]): WireReply {
    return { type: 'sse', events: openaiWire.streamEvents(deltas).slice(0, 1 + deltas.length), ending: 'end' };
  },

  error(status: number, message: string, headers?: Record<string, string>, type = 'server_error'): WireReply {
    return { type: 'json', status, body: { error: { message, type, param: null, code: null } }, ...(headers ? { headers } : {}) };
  },
};

// ---------------------------------------------------------------------------------------------
// Anthropic messages wire format

export interface AnthropicReplyOptions {
  model?: string;
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };
  content?: unknown[];
}

export const anthropicWire = {
  message(text: string, options: AnthropicReplyOptions = {}): WireReply {
    return {
      type: 'json',
      body: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        model: options.model ?? 'claude-test',
        content: options.content ?? [{ type: 'text', text }],
        stop_reason: options.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: options.usage ?? { input_tokens: 20, output_tokens: 7 },
      },
    };
  },

  streamEvents(deltas: string[], options: AnthropicReplyOptions = {}): SseEvent[] {
    const usage = options.usage ?? { input_tokens: 20, output_tokens: deltas.length };
    return [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'msg_test',
            type: 'message',
            role: 'assistant',
            model: options.model ?? 'claude-test',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage, output_tokens: 1 },
          },
        },
      },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'ping', data: { type: 'ping' } },
      ...deltas.map((text) => ({
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      })),
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: options.stopReason ?? 'end_turn', stop_sequence: null },
          usage: { output_tokens: usage.output_tokens },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
  },

  stream(deltas: string[], options: AnthropicReplyOptions = {}): WireReply {
    return { type: 'sse', events: anthropicWire.streamEvents(deltas, options), ending: 'end' };
  },

  /** message_start, the block start and the deltas, then the socket dies. */
  streamCut(deltas: string[]): WireReply {
    return { type: 'sse', events: anthropicWire.streamEvents(deltas).slice(0, 3 + deltas.length), ending: 'destroy' };
  },

  /** Everything but message_delta and message_stop, then a clean end of the response. */
  streamWithoutStop(deltas: string[]): WireReply {
    return { type: 'sse', events: anthropicWire.streamEvents(deltas).slice(0, 4 + deltas.length), ending: 'end' };
  },

  error(status: number, type: string, message: string, headers?: Record<string, string>): WireReply {
    return { type: 'json', status, body: { type: 'error', error: { type, message } }, ...(headers ? { headers } : {}) };
  },
};
