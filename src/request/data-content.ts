// Binary content of image and file parts, as adapters need it: a URL to pass by reference, or
// base64 with its media type. Shared by every adapter so they agree on what a part holds.
import type { DataContent } from './types.js';

export type ResolvedData =
  /** An http(s) URL the provider fetches itself. */
  | { kind: 'url'; url: string }
  /** Inline bytes as base64, with the media type (from the part, else from a `data:` URL). */
  | { kind: 'base64'; base64: string; mediaType: string | undefined };

const DATA_URL = /^data:([^;,]*)(;[^,]*)?,/;

/** A URL string, a `data:` URL, base64 text, bytes or a `URL`, resolved for sending. */
export function resolveData(data: DataContent, mediaType: string | undefined): ResolvedData {
  if (data instanceof URL) return urlOrInline(data.href, mediaType);
  if (typeof data === 'string') {
    if (/^https?:\/\//i.test(data) || data.startsWith('data:')) return urlOrInline(data, mediaType);
    return { kind: 'base64', base64: data, mediaType };
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return { kind: 'base64', base64: bytesToBase64(bytes), mediaType };
}

function urlOrInline(href: string, mediaType: string | undefined): ResolvedData {
  const match = DATA_URL.exec(href);
  if (!match) return { kind: 'url', url: href };
  const declared = match[1] || undefined;
  const base64 = (match[2] ?? '').includes(';base64');
  const body = href.slice(match[0].length);
  return {
    kind: 'base64',
    base64: base64 ? body : bytesToBase64(new TextEncoder().encode(decodeURIComponent(body))),
    mediaType: mediaType ?? declared,
  };
}

/** `data:<mediaType>;base64,<data>`, the form OpenAI takes inline images in. */
export function toDataUrl(base64: string, mediaType: string): string {
  return `data:${mediaType};base64,${base64}`;
}

export function bytesToBase64(bytes: Uint8Array): string {
  // Buffer where it exists (Node, Bun, Deno); btoa in browsers and edge runtimes.
  const buffer = (globalThis as { Buffer?: { from(bytes: Uint8Array): { toString(encoding: string): string } } }).Buffer;
  if (buffer) return buffer.from(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Decodes base64 to text (UTF-8), for scanning text files; `undefined` when it is not base64. */
export function base64ToText(base64: string): string | undefined {
  try {
    const binary = atob(base64.replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * An image's media type: the one given (`image/jpg` read as `image/jpeg`), else read from the first
 * bytes of its base64 — callers often send bare bytes, and the APIs insist on a type.
 */
export function imageMediaType(mediaType: string | undefined, base64: string): string | undefined {
  const given = mediaType?.toLowerCase();
  if (given !== undefined) return given === 'image/jpg' ? 'image/jpeg' : given;
  if (base64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  return undefined;
}
