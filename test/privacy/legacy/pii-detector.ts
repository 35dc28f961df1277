// THE ORACLE, NOT THE LIBRARY: a frozen copy of the regex-based detector as it was before the scan
// was rebuilt around one pass over the text's bytes (src/privacy/scanners/number-candidates.ts) and
// the faster NFKC map. The property tests in ../pii-oracle.test.ts check that the library finds
// exactly what this copy finds. Do not change it to make a test pass: change the library.
//
// Finds personal data and secrets in the text a request would send, so the router can keep such a task on a
// local model. A miss leaks data to a cloud provider while a false alarm only costs a cloud call, so
// well-structured identifiers are matched generously, but each kind is validated (Luhn, mod-97,
// SSN ranges, e-mail domain shape) so ordinary numbers, dates and hashes do not trip it.
//
// Text with any non-ASCII character is scanned in its NFKC form, so full-width digits and letters
// count as the ASCII they stand for, and as it is (NFKC may glue a label onto a number); findings
// are mapped back to the caller's text and merged, and allow-list entries are compared with a
// finding's NFKC form. Pure-ASCII text is scanned as it is.
//
// Linear in the input, whatever it holds: the text is searched with indexOf, or with regexes whose
// repetitions are bounded or guarded by a lookbehind on the class they repeat, and each region a
// search finds is examined once (NFKC and its map back are linear too). Speed matters as well,
// since every task is scanned before routing: one cheap pass finds where numbers are, and prefixes
// are found with indexOf rather than a regex tried at every position.

import { isAscii, normalizedText } from './normalized-text.js';
import { compileAllowList, isAllowedFinding, type AllowedText, type PiiAllowList } from '../../../src/privacy/pii-allow-list.js';
import { scanAwsSecretKeys } from './scanners/aws-secret-scanner.js';
import { scanCards } from './scanners/card-scanner.js';
import { scanEmails } from './scanners/email-scanner.js';
import { scanIbans } from './scanners/iban-scanner.js';
import { scanJwts } from './scanners/jwt-scanner.js';
import { scanNumberClusters } from './scanners/number-clusters.js';
import { scanPhones } from './scanners/phone-scanner.js';
import { inTurn, type KindReport, type Scanner } from './scanners/scanner.js';
import { scanApiKeys } from './scanners/secret-scanner.js';
import { scanSsns } from './scanners/ssn-scanner.js';
import type { PiiDetector, PiiFinding, PiiKind } from '../../../src/privacy/pii-types.js';

export type { PiiDetector, PiiFinding, PiiKind } from '../../../src/privacy/pii-types.js';

export interface RegexPiiDetectorOptions {
  /** The kinds to look for; all of them by default. */
  kinds?: PiiKind[];
  /**
   * Findings that are not PII, for false positives: a string is compared with a finding's exact
   * text, a RegExp must match all of it (`['support@example.com', /4242 ?4242 ?4242 ?4242/]`).
   * Both `detect()` and `containsPii()` skip them; other findings in the same text still count.
   * The RegExps run on findings only, never on the whole text. In text with non-ASCII characters
   * a finding's text is its NFKC form, so an entry also allows its full-width spelling.
   */
  allow?: PiiAllowList;
}

const ALL_KINDS: readonly PiiKind[] = ['email', 'phone', 'credit_card', 'us_ssn', 'iban', 'api_key'];

const SINGLE_PASS_SCANNERS: Partial<Record<PiiKind, Scanner>> = {
  api_key: inTurn(scanApiKeys, scanAwsSecretKeys, scanJwts),
  email: scanEmails,
  iban: scanIbans,
};
const NUMBER_SCANNERS: Partial<Record<PiiKind, Scanner>> = {
  credit_card: scanCards,
  us_ssn: scanSsns,
  phone: scanPhones,
};
// Cheapest and most telling first: the fast path stops at the first finding. E-mail addresses
// cost one indexOf('@'); secrets, three scanners now, cost the most of the single passes.
const SCAN_ORDER: readonly PiiKind[] = ['email', 'api_key', 'credit_card', 'us_ssn', 'phone', 'iban'];

type Pass = (text: string, report: KindReport) => boolean;

function planPasses(kinds: readonly PiiKind[]): Pass[] {
  const passes: Pass[] = [];
  const numberScanners: (readonly [PiiKind, Scanner])[] = [];
  for (const kind of SCAN_ORDER) {
    if (!kinds.includes(kind)) continue;
    const single = SINGLE_PASS_SCANNERS[kind];
    const number = NUMBER_SCANNERS[kind];
    if (single !== undefined) {
      passes.push((text, report) => single(text, (index, length) => report(kind, index, length)));
    } else if (number !== undefined) {
      if (numberScanners.length === 0) passes.push((text, report) => scanNumberClusters(text, numberScanners, report));
      numberScanners.push([kind, number]);
    }
  }
  return passes;
}

export function createRegexPiiDetector(options: RegexPiiDetectorOptions = {}): PiiDetector {
  const kinds = options.kinds ?? ALL_KINDS;
  for (const kind of kinds) {
    if (!ALL_KINDS.includes(kind)) {
      throw new TypeError(`Unknown PII kind "${String(kind)}"; expected one of ${ALL_KINDS.join(', ')}`);
    }
  }
  const passes = planPasses(kinds);
  const allowed = compileAllowList(options.allow);
  const stop: KindReport = () => true;

  /** Every finding of the passes in `scanned`, less the allowed ones (judged on their NFKC form). */
  const findAll = (scanned: string, isNormal: boolean): PiiFinding[] => {
    const findings: PiiFinding[] = [];
    const collect: KindReport = (kind, index, length) => {
      findings.push({ kind, index, length });
      return false;
    };
    for (const pass of passes) pass(scanned, collect);
    if (allowed === undefined) return findings;
    const allowedText: AllowedText = isNormal ? allowed : (found) => allowed(found.normalize('NFKC'));
    // Each finding is judged alone, before nesting is resolved: the same rule as the fast path's.
    return findings.filter((f) => !isAllowedFinding(allowedText, scanned, f));
  };
  /** Whether the passes find anything in `scanned` that is not allowed; stops at the first. */
  const findsAny = (scanned: string, isNormal: boolean): boolean => {
    // The scanners report exactly what `findAll` collects, so `detect` and `containsPii` agree.
    const report: KindReport =
      allowed === undefined
        ? stop
        : (_kind, index, length) => {
            const found = scanned.slice(index, index + length);
            return !allowed(isNormal ? found : found.normalize('NFKC'));
          };
    for (const pass of passes) if (pass(scanned, report)) return true;
    return false;
  };

  // Text with non-ASCII characters is scanned in its NFKC form, and — when NFKC changed it — as it
  // is too: NFKC can glue a full-width label onto ASCII digits (`ＳＳＮ123-45-6789` becomes
  // `SSN123-45-6789`), which the scanners' word-boundary checks then refuse.
  return {
    detect(text: string): PiiFinding[] {
      if (typeof text !== 'string' || text.length === 0) return [];
      const normalized = normalizedText(text);
      if (normalized === undefined) return withoutNested(findAll(text, true));
      const mapped = normalized.toOriginal(withoutNested(findAll(normalized.text, true)));
      return withoutNested([...mapped, ...findAll(text, false)]);
    },
    containsPii(text: string): boolean {
      if (typeof text !== 'string' || text.length === 0) return false;
      // The texts `detect` scans, without the map back it needs for positions.
      if (isAscii(text)) return findsAny(text, true);
      const normal = text.normalize('NFKC');
      return findsAny(normal, true) || (normal !== text && findsAny(text, false));
    },
  };
}

/**
 * Sorted by position; a finding inside another one is dropped (the digits of an IBAN that also
 * pass as a card, a `+1` number found by both phone patterns).
 */
function withoutNested(findings: PiiFinding[]): PiiFinding[] {
  if (findings.length < 2) return findings;
  findings.sort((a, b) => a.index - b.index || b.length - a.length);
  const kept: PiiFinding[] = [];
  let coveredTo = -1;
  for (const finding of findings) {
    const end = finding.index + finding.length;
    if (end <= coveredTo) continue;
    kept.push(finding);
    coveredTo = end;
  }
  return kept;
}

export const defaultPiiDetector: PiiDetector = createRegexPiiDetector();
