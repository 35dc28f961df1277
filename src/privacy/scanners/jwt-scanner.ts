// JSON Web Tokens: a base64url header, '.', payload and, unless unsigned, '.' and a signature.
// A JWT is a bearer credential (and its payload often names the user), so it counts as `api_key`.
// The header is found by its start `eyJ` (`{"` encoded) and must decode to a JSON object with an
// `alg` string, the payload to a JSON object: random base64url, dotted words and other encoded
// JSON do not pass. Encrypted tokens (JWE, five segments) are not looked for.
//
// Each `eyJ` that does not continue a longer base64url token is examined; a segment is read at
// most three times (as the header, payload or signature of the tokens around it) and decoded at
// most twice, and a header longer than MAX_HEADER is not read to its end.
import { alnumAnd, DOT, inTable } from './char-classes.js';
import type { Scanner } from './scanner.js';

const BASE64URL = alnumAnd('_-');
const LOWER_E = 101; // 'e'
const LOWER_Y = 121; // 'y'
/** `{"alg":"x"}` is 15 characters in base64url. */
const MIN_HEADER = 15;
const MAX_HEADER = 4096;
const MAX_PAYLOAD = 64 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The value of each base64url character. */
const VALUES = new Uint8Array(128);
for (let value = 0; value < ALPHABET.length; value++) VALUES[ALPHABET.charCodeAt(value)] = value;
const utf8 = new TextDecoder();

/** The end of the base64url run starting at `from`, or -1 if it runs past `limit`. */
function runEnd(text: string, from: number, limit: number): number {
  const stop = Math.min(text.length, from + limit + 1);
  let end = from;
  while (end < stop && inTable(BASE64URL, text.charCodeAt(end))) end++;
  return end - from > limit ? -1 : end;
}

/**
 * `text[start, end)` decoded from base64url and parsed as a JSON object, or undefined. `needs` must
 * occur in the decoded text: a cheap test that spares most non-tokens a JSON.parse and its throw.
 */
function jsonObject(text: string, start: number, end: number, needs = ''): Record<string, unknown> | undefined {
  if ((end - start) % 4 === 1) return undefined;
  const bytes = new Uint8Array(((end - start) * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (let i = start; i < end; i++) {
    buffer = ((buffer << 6) | VALUES[text.charCodeAt(i)]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  const json = utf8.decode(bytes.subarray(0, length));
  if (!json.trimEnd().endsWith('}') || !json.includes(needs)) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The end of the token whose header starts at `start`, or -1 if there is none. */
function tokenEnd(text: string, start: number): number {
  const headerEnd = runEnd(text, start, MAX_HEADER);
  if (headerEnd - start < MIN_HEADER || text.charCodeAt(headerEnd) !== DOT) return -1;
  if (typeof jsonObject(text, start, headerEnd, '"alg"')?.['alg'] !== 'string') return -1;
  const payloadEnd = runEnd(text, headerEnd + 1, MAX_PAYLOAD);
  if (payloadEnd <= headerEnd + 1 || jsonObject(text, headerEnd + 1, payloadEnd) === undefined) return -1;
  if (text.charCodeAt(payloadEnd) !== DOT) return payloadEnd;
  // The signature is as long as its run: the token is reported, and the scan resumes after it.
  let signatureEnd = payloadEnd + 1;
  while (inTable(BASE64URL, text.charCodeAt(signatureEnd))) signatureEnd++;
  return signatureEnd > payloadEnd + 1 ? signatureEnd : payloadEnd;
}

export const scanJwts: Scanner = (text, report) => {
  let resume = 0;
  // The rare 'J' of `eyJ` is searched for: indexOf stops far less often than on every 'e'.
  for (let j = text.indexOf('J', 2); j !== -1; j = text.indexOf('J', Math.max(j + 1, resume))) {
    const start = j - 2;
    if (text.charCodeAt(start) !== LOWER_E || text.charCodeAt(start + 1) !== LOWER_Y) continue;
    if (inTable(BASE64URL, text.charCodeAt(start - 1))) continue;
    const end = tokenEnd(text, start);
    if (end === -1) continue;
    if (report(start, end - start)) return true;
    resume = end + 2;
  }
  return false;
};
