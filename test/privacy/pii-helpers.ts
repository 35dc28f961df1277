// Shared by the PII detector tests: readable findings, and secrets and numbers generated at run
// time so the test files hold nothing a secret scanner would flag.
import { expect } from 'vitest';

import { defaultPiiDetector, type PiiDetector, type PiiKind } from '../../src/privacy/index.js';

/** Each finding as `kind:text`, in order. */
export function found(text: string, detector: PiiDetector = defaultPiiDetector): string[] {
  return detector.detect(text).map((f) => `${f.kind}:${text.slice(f.index, f.index + f.length)}`);
}

export function expectOnly(kind: PiiKind, text: string, value: string): void {
  expect(found(text)).toEqual([`${kind}:${value}`]);
  expect(defaultPiiDetector.containsPii?.(text)).toBe(true);
}

export function expectNothing(text: string): void {
  expect(found(text)).toEqual([]);
  expect(defaultPiiDetector.containsPii?.(text)).toBe(false);
}

/** A Luhn check digit for `payload`, so test card numbers can be generated. */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function fakeSecret(prefix: string, length: number, alphabet = 'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8'): string {
  let body = '';
  for (let i = 0; body.length < length; i++) body += alphabet[(i * 7 + 3) % alphabet.length];
  return prefix + body;
}

/** A 40-character AWS secret access key: base64 letters, digits, `/` and `+`. */
export const awsSecretKey = (): string => fakeSecret('', 40, 'wJ4r/XUtnF8EMI+K7MDeNGbPxR2fiCYk');

/** An AWS access key id (AKIA + 16 upper-case letters and digits). */
export const awsAccessKeyId = (): string => fakeSecret('AKIA', 16, 'QRSTUVWXYZ0123456789');

export function base64Url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/** A JWT with the given header and payload and a made-up signature (`''` for none). */
export function jwt(
  header: unknown = { alg: 'HS256', typ: 'JWT' },
  payload: unknown = { sub: '1234567890', name: 'Jane Doe', iat: 1516239022 },
  signature = fakeSecret('', 43, 'aB3_dE5-gH7jK9mN1pQ2'),
): string {
  return `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(payload))}${signature === '' ? '' : `.${signature}`}`;
}
