import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors.js';
import {
  createRegexPiiDetector,
  defaultPiiDetector,
  withPiiAllowList,
  type PiiAllowList,
  type PiiDetector,
  type PiiFinding,
} from '../../src/privacy/index.js';

/** Each finding as `kind:text`, in order. */
function found(detector: PiiDetector, text: string): string[] {
  return detector.detect(text).map((f) => `${f.kind}:${text.slice(f.index, f.index + f.length)}`);
}

const SUPPORT = 'support@example.com';
const TEST_CARDS = /4242 ?4242 ?4242 ?4242/;

describe('createRegexPiiDetector({ allow })', () => {
  it('ignores an allowed support address, and still finds another address in the same text', () => {
    const detector = createRegexPiiDetector({ allow: [SUPPORT] });
    const text = `Write to ${SUPPORT} or to jane@example.org.`;
    expect(found(detector, text)).toEqual(['email:jane@example.org']);
    expect(detector.containsPii?.(text)).toBe(true);

    // The allowed address first and alone: containsPii must not stop at it, nor report it.
    expect(found(detector, `Write to ${SUPPORT}.`)).toEqual([]);
    expect(detector.containsPii?.(`Write to ${SUPPORT}.`)).toBe(false);
    expect(detector.containsPii?.(`${SUPPORT} ${SUPPORT} then jane@example.org`)).toBe(true);
  });

  it('matches a string exactly and case-sensitively', () => {
    const detector = createRegexPiiDetector({ allow: [SUPPORT] });
    expect(found(detector, 'Support@example.com')).toEqual(['email:Support@example.com']);
    expect(found(detector, 'support@example.com.au')).toEqual(['email:support@example.com.au']);
    expect(found(detector, 'mysupport@example.com')).toEqual(['email:mysupport@example.com']);
  });

  it('allows test card numbers by RegExp, grouped or not, and still finds a real card', () => {
    const detector = createRegexPiiDetector({ allow: [TEST_CARDS] });
    expect(found(detector, 'test with 4242 4242 4242 4242 or 4242424242424242')).toEqual([]);
    expect(detector.containsPii?.('test with 4242 4242 4242 4242 or 4242424242424242')).toBe(false);
    const mixed = 'test 4242 4242 4242 4242, real 4111 1111 1111 1111';
    expect(found(detector, mixed)).toEqual(['credit_card:4111 1111 1111 1111']);
    expect(detector.containsPii?.(mixed)).toBe(true);
  });

  it('needs a RegExp to match the whole finding, not a part of it', () => {
    const partial = createRegexPiiDetector({ allow: [/4242/, /support@/, /example\.com/] });
    expect(found(partial, '4242 4242 4242 4242')).toEqual(['credit_card:4242 4242 4242 4242']);
    expect(found(partial, SUPPORT)).toEqual([`email:${SUPPORT}`]);
    expect(partial.containsPii?.(SUPPORT)).toBe(true);
  });

  it('tries every alternative before giving up on a whole match', () => {
    // The first alternative matches only a prefix of the address; the second matches all of it.
    const detector = createRegexPiiDetector({ allow: [/support@example\.co|support@example\.com/] });
    expect(found(detector, SUPPORT)).toEqual([]);
    expect(detector.containsPii?.(SUPPORT)).toBe(false);
  });

  it('keeps the meaning of the i and m flags', () => {
    const detector = createRegexPiiDetector({ allow: [/support@example\.com/i, /^\d{3}-45-6789$/m] });
    expect(found(detector, 'SUPPORT@Example.COM and 123-45-6789')).toEqual([]);
    expect(found(detector, 'line one\n123-45-6789')).toEqual([]);
  });

  it('does not let `$` under the m flag end a match at a line break inside the finding', () => {
    const detector = createRegexPiiDetector({ allow: [/-----BEGIN PRIVATE KEY-----$/m] });
    const header = '-----BEGIN PRIVATE KEY-----';
    const block = `${header}\nMIIEowIBAAKCAQEAx4\n-----END PRIVATE KEY-----`;
    expect(found(detector, `key: ${header}`)).toEqual([]);
    expect(found(detector, `key:\n${block}`)).toEqual([`api_key:${block}`]);
    expect(detector.containsPii?.(`key:\n${block}`)).toBe(true);
  });

  it.each([
    ['g', /support@example\.com/g],
    ['y', /support@example\.com/y],
    ['gy', /support@example\.com/gy],
  ])('gives the same answer every time with the %s flag, and leaves the caller’s RegExp alone', (_flags, pattern) => {
    pattern.lastIndex = 5;
    const detector = createRegexPiiDetector({ allow: [pattern] });
    const text = `${SUPPORT} and ${SUPPORT}`;
    for (let round = 0; round < 3; round++) {
      expect(found(detector, text)).toEqual([]);
      expect(detector.containsPii?.(text)).toBe(false);
      expect(found(detector, `${text} jane@example.org`)).toEqual(['email:jane@example.org']);
    }
    expect(pattern.lastIndex).toBe(5);
    expect(pattern.source).toBe('support@example\\.com');
  });

  it('copies the list: changing the caller’s array later changes nothing', () => {
    const allow: (string | RegExp)[] = [SUPPORT];
    const detector = createRegexPiiDetector({ allow });
    allow.length = 0;
    allow.push('jane@example.org');
    expect(found(detector, `${SUPPORT} jane@example.org`)).toEqual(['email:jane@example.org']);
  });

  it('with an empty list, behaves as without one', () => {
    const detector = createRegexPiiDetector({ allow: [] });
    const text = `${SUPPORT} 4242 4242 4242 4242`;
    expect(detector.detect(text)).toEqual(defaultPiiDetector.detect(text));
    expect(detector.containsPii?.(text)).toBe(true);
  });

  it('rejects entries that are neither strings nor RegExps', () => {
    const bad = [42, null, undefined, { source: 'x', flags: '' }, ['nested']];
    for (const entry of bad) {
      const attempt = (): unknown => createRegexPiiDetector({ allow: [SUPPORT, entry as unknown as string] });
      expect(attempt).toThrow(/Invalid PII allow-list entry 1: expected a string or a RegExp/);
      try {
        attempt();
      } catch (error) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
      }
    }
    expect(() => createRegexPiiDetector({ allow: SUPPORT as unknown as PiiAllowList })).toThrow(
      /Invalid PII allow-list: expected an array/,
    );
  });
});

/** A host's own detector: every `secret-<word>`, found with `this`, and no fast path of its own. */
class SecretWordDetector implements PiiDetector {
  calls = 0;
  private readonly pattern = /secret-\w+/g;
  detect(text: string): PiiFinding[] {
    this.calls++;
    return [...text.matchAll(this.pattern)].map((m) => ({ kind: 'api_key' as const, index: m.index, length: m[0].length }));
  }
}

describe('withPiiAllowList', () => {
  it('drops allowed findings of a custom detector, in detect and in containsPii', () => {
    const custom = new SecretWordDetector();
    const wrapped = withPiiAllowList(custom, ['secret-demo', /secret-test\d+/]);
    expect(found(wrapped, 'use secret-demo or secret-test42, never secret-prod')).toEqual(['api_key:secret-prod']);
    expect(wrapped.containsPii?.('use secret-demo or secret-test42, never secret-prod')).toBe(true);
    expect(found(wrapped, 'use secret-demo or secret-test42')).toEqual([]);
    expect(wrapped.containsPii?.('use secret-demo or secret-test42')).toBe(false);
    expect(custom.calls).toBe(4);
  });

  it('returns the detector itself when the list is empty', () => {
    const custom = new SecretWordDetector();
    expect(withPiiAllowList(custom, [])).toBe(custom);
    expect(withPiiAllowList(defaultPiiDetector, [])).toBe(defaultPiiDetector);
  });

  it('judges each finding alone: one inside an allowed finding still counts', () => {
    const nested: PiiDetector = {
      detect: () => [
        { kind: 'iban', index: 0, length: 11 },
        { kind: 'credit_card', index: 4, length: 4 },
      ],
    };
    const wrapped = withPiiAllowList(nested, ['outer-inner']);
    expect(wrapped.detect('outer-inner')).toEqual([{ kind: 'credit_card', index: 4, length: 4 }]);
    expect(wrapped.containsPii?.('outer-inner')).toBe(true);
  });

  it('never allows a finding whose position does not slice the text', () => {
    const sloppy: PiiDetector = {
      detect: (text) => [
        { kind: 'email', index: -1, length: 3 },
        { kind: 'email', index: 0, length: text.length + 5 },
        { kind: 'email', index: 0.5, length: 2 },
        { kind: 'email', index: 0, length: 0 },
        { kind: 'email', index: 0, length: 2 },
      ],
    };
    // Allows any text at all, yet the malformed findings stay.
    const wrapped = withPiiAllowList(sloppy, [/[\s\S]*/]);
    expect(wrapped.detect('abcd').map((f) => [f.index, f.length])).toEqual([
      [-1, 3],
      [0, 9],
      [0.5, 2],
      [0, 0],
    ]);
  });

  it('wraps the default detector the same way as the allow option', () => {
    const allow = [SUPPORT, TEST_CARDS];
    const wrapped = withPiiAllowList(defaultPiiDetector, allow);
    const built = createRegexPiiDetector({ allow });
    const text = `${SUPPORT}, 4242 4242 4242 4242, jane@example.org, 4111 1111 1111 1111`;
    expect(wrapped.detect(text)).toEqual(built.detect(text));
    expect(found(wrapped, text)).toEqual(['email:jane@example.org', 'credit_card:4111 1111 1111 1111']);
  });

  it('rejects something that is not a detector', () => {
    expect(() => withPiiAllowList({} as PiiDetector, [SUPPORT])).toThrow(/Invalid PII detector/);
    expect(() => withPiiAllowList(defaultPiiDetector, [SUPPORT, 7 as unknown as string])).toThrow(/entry 1/);
  });
});

describe('properties', () => {
  // Secrets are assembled at run time so this file holds nothing a secret scanner would flag.
  const githubToken = `ghp_${'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8'.repeat(2).slice(0, 36)}`;
  const pii = fc.constantFrom(
    SUPPORT,
    'jane@example.org',
    '4242 4242 4242 4242',
    '4242424242424242',
    '4111 1111 1111 1111',
    '123-45-6789',
    '+44 20 7946 0958',
    '(555) 123-4567',
    'DE89370400440532013000',
    githubToken,
  );
  const filler = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', '\n', ', ', '-', '.', '+', '@', '1', '42', 'a'),
  );
  const text = fc.array(fc.oneof(pii, filler), { maxLength: 12 }).map((parts) => parts.join(''));
  const allowCandidates: (string | RegExp)[] = [
    SUPPORT,
    TEST_CARDS,
    /4242 ?4242 ?4242 ?4242/g,
    /\d{3}-\d{2}-\d{4}/,
    /\+44 .*/,
    githubToken,
    /[a-z]+@example\.(?:org|com)/i,
  ];
  const allowList = fc.subarray(allowCandidates);

  it('containsPii(text) === detect(text).length > 0, with and without an allow list', () => {
    fc.assert(
      fc.property(text, allowList, (sample, allow) => {
        for (const detector of [defaultPiiDetector, createRegexPiiDetector({ allow }), withPiiAllowList(defaultPiiDetector, allow)]) {
          expect(detector.containsPii?.(sample)).toBe(detector.detect(sample).length > 0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('an allow list removes allowed findings and only those', () => {
    fc.assert(
      fc.property(text, allowList, (sample, allow) => {
        const isAllowed = (f: PiiFinding): boolean => {
          const value = sample.slice(f.index, f.index + f.length);
          return allow.some((entry) => (typeof entry === 'string' ? entry === value : new RegExp(`^(?:${entry.source})$`, entry.flags.replace(/[gy]/g, '')).test(value)));
        };
        const withAllow = createRegexPiiDetector({ allow }).detect(sample);
        for (const finding of withAllow) expect(isAllowed(finding)).toBe(false);
        for (const finding of defaultPiiDetector.detect(sample)) {
          if (!isAllowed(finding)) expect(withAllow).toContainEqual(finding);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
