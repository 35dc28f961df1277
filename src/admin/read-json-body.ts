// Reads a request's JSON body: the content type checked first, the bytes counted as they arrive
// (a missing or lying content-length changes nothing) and reading stopped at the limit.
import { AdminRequestError } from './admin-response.js';

/** Raised by a body stream that was cut at a size limit (see `toNodeListener`); read as a 413. */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`The request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

function tooLarge(limit: number): AdminRequestError {
  return new AdminRequestError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`, { headers: { connection: 'close' } });
}

function unsupported(type: string | null): AdminRequestError {
  const shown = type === null ? undefined : type.length > 80 ? `${type.slice(0, 77)}...` : type;
  const message = shown === undefined ? 'A request body needs Content-Type: application/json' : `Request bodies must be application/json, not "${shown}"`;
  return new AdminRequestError(415, 'UNSUPPORTED_MEDIA_TYPE', message, { headers: { accept: 'application/json' } });
}

/** `application/json`, `application/merge-patch+json`, with or without parameters such as charset. */
function isJsonType(type: string): boolean {
  const essence = type.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[\w.+-]+\+json$/.test(essence);
}

/** The body's bytes, at most `limit`; throws a 413 as soon as more arrive. */
async function readBytes(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AdminRequestError) throw error;
    if (error instanceof BodyTooLargeError) throw tooLarge(Math.min(limit, error.limit));
    throw new AdminRequestError(400, 'BODY_UNREADABLE', 'The request body could not be read', { cause: error });
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The parsed JSON body, or `{}` when there is none. Refuses a declared non-JSON content type before
 * reading (415), a body over `limit` bytes (413), a POST without a JSON content type, body or not (415),
 * text that is not UTF-8 or not JSON (400 `INVALID_JSON`).
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type !== null && !isJsonType(type)) throw unsupported(type);
  // A change without a JSON content type, even with no body, is refused: a cross-site page can send
  // a body-less POST with the user's cookies (a beacon, a no-cors fetch) without a preflight, never
  // one that declares JSON.
  if (type === null && request.method === 'POST') throw unsupported(null);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return {};
  const bytes = await readBytes(request.body, limit);
  if (bytes.byteLength === 0) return {};
  if (type === null) throw unsupported(null);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AdminRequestError(400, 'INVALID_JSON', 'The request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message.slice(0, 200)}` : '';
    throw new AdminRequestError(400, 'INVALID_JSON', `The request body is not valid JSON${detail}`);
  }
}
