// The PII allow-list: values the host has declared are not PII (a support address, test card
// numbers), for false positives now that the scan cannot be switched off. Each finding is judged
// on its own text alone, so an allowed value can never hide anything around or inside it.
import { InvalidArgumentError } from '../errors.js';
import type { PiiDetector, PiiFinding } from './pii-types.js';

/**
 * Findings that are not PII. A string is compared with a finding's exact text (case-sensitive); a
 * RegExp must match the whole of it, as if anchored at both ends (`/4242 ?4242 ?4242 ?4242/`).
 * Flags other than `g` and `y` keep their meaning (`/support@example\.com/i`).
 */
export type PiiAllowList = ReadonlyArray<string | RegExp>;

/** Whether a finding's text is on the allow-list. */
export type AllowedText = (text: string) => boolean;

/**
 * The allow-list as one test, or undefined when it allows nothing (so callers keep their fast
 * path). The entries are copied: changing the caller's array or RegExps later changes nothing.
 */
export function compileAllowList(allow: PiiAllowList | undefined): AllowedText | undefined {
  if (allow === undefined) return undefined;
  if (!Array.isArray(allow)) {
    throw new InvalidArgumentError('PII allow-list', `expected an array of strings and RegExps, got ${describe(allow)}`);
  }
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  allow.forEach((entry: unknown, position) => {
    if (typeof entry === 'string') literals.add(entry);
    else if (isRegExp(entry)) patterns.push(wholeMatch(entry));
    else {
      throw new InvalidArgumentError(`PII allow-list entry ${position}`, `expected a string or a RegExp, got ${describe(entry)}`);
    }
  });
  if (literals.size === 0 && patterns.length === 0) return undefined;
  if (patterns.length === 0) return (text) => literals.has(text);
  return (text) => {
    if (literals.has(text)) return true;
    for (const pattern of patterns) {
      // Sticky: each test must start at 0, whatever the previous one left behind.
      pattern.lastIndex = 0;
      if (pattern.test(text)) return true;
    }
    return false;
  };
}

/**
 * A private copy of `pattern` that matches only the whole text. Sticky anchors the start without
 * changing what `^` means under the `m` flag, and `(?![\s\S])` is the end of the text under any
 * flags; the engine still backtracks into alternatives (`/a|ab/` allows "ab").
 */
function wholeMatch(pattern: RegExp): RegExp {
  const flags = `${pattern.flags.replace(/[gy]/g, '')}y`;
  return new RegExp(`(?:${pattern.source})(?![\\s\\S])`, flags);
}

/**
 * Whether `finding` of `text` is allowed. A finding whose position does not slice `text` (a host
 * detector's mistake) is never allowed: a doubtful finding stays a finding.
 */
export function isAllowedFinding(allowed: AllowedText, text: string, finding: PiiFinding): boolean {
  const { index, length } = finding;
  if (!Number.isInteger(index) || !Number.isInteger(length) || index < 0 || length <= 0 || index + length > text.length) {
    return false;
  }
  return allowed(text.slice(index, index + length));
}

/**
 * Wraps any detector (the default one, or a host's own) so that findings on the allow-list are
 * dropped from `detect()`; `containsPii()` then answers from `detect()`, since a detector's own
 * fast path cannot say which finding it stopped at. With an empty list, `detector` itself is
 * returned. For the built-in detector, `createRegexPiiDetector({ allow })` is faster: its fast
 * path skips allowed findings and still stops at the first other one.
 */
export function withPiiAllowList(detector: PiiDetector, allow: PiiAllowList): PiiDetector {
  if (typeof detector !== 'object' || detector === null || typeof detector.detect !== 'function') {
    throw new InvalidArgumentError('PII detector', 'expected an object with a detect(text) method');
  }
  const allowed = compileAllowList(allow);
  if (allowed === undefined) return detector;

  const detect = (text: string): PiiFinding[] => {
    const findings = detector.detect(text);
    if (typeof text !== 'string' || !Array.isArray(findings)) return findings;
    return findings.filter((finding) => !isAllowedFinding(allowed, text, finding));
  };
  return {
    detect,
    containsPii: (text: string): boolean => detect(text).length > 0,
  };
}

function isRegExp(value: unknown): value is RegExp {
  // Also a RegExp from another realm (a vm context, an iframe); source and flags are all we read.
  return (
    (value instanceof RegExp || Object.prototype.toString.call(value) === '[object RegExp]') &&
    typeof (value as RegExp).source === 'string' &&
    typeof (value as RegExp).flags === 'string'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
