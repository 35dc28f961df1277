// Finds personal data and secrets in the text of a task, so the router can keep such a task on a
// local model. A miss leaks data to a cloud provider while a false alarm only costs a cloud call, so
// well-structured identifiers are matched generously, but each kind is validated (Luhn, mod-97,
// SSN ranges, e-mail domain shape) so ordinary numbers, dates and hashes do not trip it.
//
// Linear in the input, whatever it holds: the text is searched with indexOf, or with regexes whose
// repetitions are bounded or guarded by a lookbehind on the class they repeat, and each region a
// search finds is examined once. Speed matters too, since every task is scanned before routing:
// one cheap pass finds where numbers are, and prefixes are found with indexOf rather than a regex
// tried at every position.

export type PiiKind = 'email' | 'phone' | 'credit_card' | 'us_ssn' | 'iban' | 'api_key';

export interface PiiFinding {
  kind: PiiKind;
  /** UTF-16 offset of the finding in the scanned text. */
  index: number;
  /** Length in UTF-16 code units: `text.slice(index, index + length)` is the finding. */
  length: number;
}

/** Pluggable: the host may supply its own (e.g. a Presidio client wrapped synchronously, or a stricter regex set). */
export interface PiiDetector {
  detect(text: string): PiiFinding[];
  /** fast path, may stop at the first finding */
  containsPii?(text: string): boolean;
}

export interface RegexPiiDetectorOptions {
  /** The kinds to look for; all of them by default. */
  kinds?: PiiKind[];
}

const ALL_KINDS: readonly PiiKind[] = ['email', 'phone', 'credit_card', 'us_ssn', 'iban', 'api_key'];

/** Reports a candidate; returns true to stop the scan (the fast path stops at the first). */
type Report = (index: number, length: number) => boolean;
/** Scans `text` and reports each finding of one kind; returns true if `report` asked to stop. */
type Scanner = (text: string, report: Report) => boolean;

// ---------------------------------------------------------------------------------------------
// Character classes (ASCII only: identifiers of these kinds are ASCII).

const ZERO = 48; // '0'
const NINE = 57; // '9'
const DOT = 46; // '.'
const COMMA = 44; // ','
const SPACE = 32; // space
const DASH = 45; // '-'
const PLUS = 43; // '+'
const UNDERSCORE = 95; // '_'
const OPEN_PAREN = 40; // '('
const CLOSE_PAREN = 41; // ')'
const UPPER_A = 65; // 'A'
const UPPER_Z = 90; // 'Z'
const LOWER_A = 97; // 'a'
const LOWER_Z = 122; // 'z'

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function isAlpha(code: number): boolean {
  return (code >= UPPER_A && code <= UPPER_Z) || (code >= LOWER_A && code <= LOWER_Z);
}

function isAlnum(code: number): boolean {
  return isDigit(code) || isAlpha(code);
}

/** `\w`: letters, digits and underscore. `charCodeAt` past either end is NaN, which is no class. */
function isWord(code: number): boolean {
  return isAlnum(code) || code === UNDERSCORE;
}

/** A lookup table of the ASCII characters in `chars`. */
function only(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A lookup table of ASCII letters, digits and `chars`. */
function alnumAnd(chars: string): Uint8Array {
  return only(DIGITS + LETTERS + chars);
}

/** RFC 5322 `atext` plus the dot: what an unquoted local part is made of. */
const LOCAL_PART = alnumAnd("!#$%&'*+-/=?^_`{|}~.");
const DOMAIN = alnumAnd('-.');

function inTable(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

// ---------------------------------------------------------------------------------------------
// E-mail: found from each '@' outwards, so text without an '@' costs one indexOf.

const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 255;

const scanEmails: Scanner = (text, report) => {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    const floor = Math.max(0, at - MAX_LOCAL_PART);
    while (start > floor && inTable(LOCAL_PART, text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === DOT) start++;
    if (start === at) continue;
    const domain = domainLength(text, at + 1);
    if (domain > 0 && report(start, at + 1 + domain - start)) return true;
  }
  return false;
};

/**
 * The length of the longest host name starting at `from` that has at least two labels and an
 * alphabetic top-level label of two or more letters; 0 if there is none.
 */
function domainLength(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  let end = from;
  while (end < limit && inTable(DOMAIN, text.charCodeAt(end))) end++;

  let best = 0;
  let labels = 0;
  let labelStart = from;
  for (let i = from; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== DOT) continue;
    const length = i - labelStart;
    if (
      length < 1 ||
      length > 63 ||
      text.charCodeAt(labelStart) === DASH ||
      text.charCodeAt(i - 1) === DASH
    ) {
      break;
    }
    if (labels > 0 && length >= 2 && isAlphaSpan(text, labelStart, i)) best = i - from;
    labels++;
    labelStart = i + 1;
  }
  return best;
}

function isAlphaSpan(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isAlpha(text.charCodeAt(i))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Digits with separators, shared by cards and phone numbers.

interface Span {
  start: number;
  end: number;
}

/** The digit groups of `text[start, end)`, split at anything that is not a digit. */
function digitGroups(text: string, start: number, end: number): Span[] {
  const groups: Span[] = [];
  let groupStart = -1;
  for (let i = start; i <= end; i++) {
    const digit = i < end && isDigit(text.charCodeAt(i));
    if (digit && groupStart === -1) groupStart = i;
    else if (!digit && groupStart !== -1) {
      groups.push({ start: groupStart, end: i });
      groupStart = -1;
    }
  }
  return groups;
}

/**
 * Whether the digits starting at `index` continue a longer token: a letter, digit or underscore
 * just before, or a digit one separator away (a decimal, thousands, or a longer digit sequence).
 */
function gluedBefore(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (isWord(before)) return true;
  return (
    (before === DOT || before === COMMA || before === SPACE || before === DASH) &&
    isDigit(text.charCodeAt(index - 2))
  );
}

/** The same, for digits ending at `index`. */
function gluedAfter(text: string, index: number): boolean {
  const after = text.charCodeAt(index);
  if (isWord(after)) return true;
  return (
    (after === DOT || after === COMMA || after === SPACE || after === DASH) &&
    isDigit(text.charCodeAt(index + 1))
  );
}

// ---------------------------------------------------------------------------------------------
// Payment cards: 13–19 digits, either in one block or grouped as on the card (4-4-4-4, 4-6-5,
// 4-4-4-4-3), Luhn-checked. A run of digit groups is read from its first group, so a list of
// small numbers is not searched for every window that happens to pass Luhn. No card network
// issues numbers starting with 0 or 1 (ISO/IEC 7812 gives 1 to airlines), while millisecond,
// microsecond and nanosecond timestamps and snowflake ids, common in logs and JSON, do start
// with 1 and have 13, 16 or 19 digits; one in ten would pass Luhn. So a leading 0 or 1 is no card.

// Bounded so a long run of single digits cannot grow the regex backtracking stack; a run longer
// than this is continued by the next match, which then counts as glued to the previous one.
const DIGIT_RUN = /\d+(?:[ -]\d+){0,15}/g;

function issuable(text: string, start: number): boolean {
  const first = text.charCodeAt(start);
  return first !== ZERO && first !== ZERO + 1;
}

function luhnValid(text: string, groups: Span[], first: number, last: number): boolean {
  let sum = 0;
  let double = false;
  for (let g = last; g >= first; g--) {
    const group = groups[g]!;
    for (let i = group.end - 1; i >= group.start; i--) {
      let digit = text.charCodeAt(i) - ZERO;
      if (double) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
      double = !double;
    }
  }
  return sum % 10 === 0;
}

const scanCards: Scanner = (text, report) => {
  DIGIT_RUN.lastIndex = 0;
  for (let match = DIGIT_RUN.exec(text); match !== null; match = DIGIT_RUN.exec(text)) {
    const run = match[0];
    if (run.length < 13) continue;
    const start = match.index;
    const end = start + run.length;
    const groups = digitGroups(text, start, end);
    const lastGroup = groups.length - 1;
    const openStart = !gluedBefore(text, start);
    const openEnd = !gluedAfter(text, end);

    // Grouped as printed: the first group has 4 digits, the others 3 to 6.
    if (openStart && groups.length >= 3 && span(groups[0]!) === 4 && issuable(text, start)) {
      let digits = 4;
      let best = -1;
      for (let g = 1; g <= lastGroup; g++) {
        const size = span(groups[g]!);
        if (size < 3 || size > 6) break;
        digits += size;
        if (digits > 19) break;
        if (g >= 2 && digits >= 13 && (g < lastGroup || openEnd) && luhnValid(text, groups, 0, g)) {
          best = g;
        }
      }
      if (best !== -1 && report(start, groups[best]!.end - start)) return true;
    }

    // One unbroken block anywhere in the run (never also a grouped card: its groups are short).
    for (let g = 0; g <= lastGroup; g++) {
      const group = groups[g]!;
      const size = span(group);
      if (size < 13 || size > 19 || !issuable(text, group.start)) continue;
      if ((g === 0 && !openStart) || (g === lastGroup && !openEnd)) continue;
      if (luhnValid(text, groups, g, g) && report(group.start, size)) return true;
    }
  }
  return false;
};

function span(s: Span): number {
  return s.end - s.start;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers: international (`+` then 8–15 digits, with spaces, dashes, dots or one pair of
// parentheses) and North-American (`(555) 123-4567`, `555-123-4567`, optionally `+1`/`1` first).
// A bare digit run is never a phone number: it could be an order id, a year or a timestamp.

const INTERNATIONAL_PHONE = /\+\d[\d .()-]{6,22}\d/g;
const NORTH_AMERICAN_PHONE =
  /(?<![\w+]|\d[.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}([ .-])\d{3}\1\d{4})(?!\w|[.-]\d)/g;

/** The length of the valid international number at the start of `text[start, end)`, or 0. */
function internationalPhoneLength(text: string, start: number, end: number): number {
  // Too many digits usually means a second number follows: retry without the last group.
  for (;;) {
    const groups = digitGroups(text, start, end);
    let digits = 0;
    for (const group of groups) digits += span(group);
    const plausible = digits >= 8 && digits <= 15 && groups.length <= 7 && parensValid(text, start, end);
    if (plausible && !isWord(text.charCodeAt(end))) return end - start;
    if (groups.length < 2) return 0;
    end = groups[groups.length - 2]!.end;
  }
}

function parensValid(text: string, start: number, end: number): boolean {
  let open = -1;
  let close = -1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === OPEN_PAREN) {
      if (open !== -1) return false;
      open = i;
    } else if (code === CLOSE_PAREN) {
      if (close !== -1 || open === -1) return false;
      close = i;
    }
  }
  return (open === -1) === (close === -1);
}

const scanPhones: Scanner = (text, report) => {
  INTERNATIONAL_PHONE.lastIndex = 0;
  for (let m = INTERNATIONAL_PHONE.exec(text); m !== null; m = INTERNATIONAL_PHONE.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if (isWord(before) || before === PLUS) continue;
    const length = internationalPhoneLength(text, m.index, m.index + m[0].length);
    if (length > 0 && report(m.index, length)) return true;
  }
  NORTH_AMERICAN_PHONE.lastIndex = 0;
  for (let m = NORTH_AMERICAN_PHONE.exec(text); m !== null; m = NORTH_AMERICAN_PHONE.exec(text)) {
    if (report(m.index, m[0].length)) return true;
  }
  return false;
};

// ---------------------------------------------------------------------------------------------
// US Social Security numbers: 123-45-6789, excluding numbers never issued (area 000, 666 or
// 900–999, group 00, serial 0000).

const US_SSN = /(?<![\w-]|\d\.)(\d{3})-(\d{2})-(\d{4})(?!\w|[-.]\d)/g;

const scanSsns: Scanner = (text, report) => {
  US_SSN.lastIndex = 0;
  for (let m = US_SSN.exec(text); m !== null; m = US_SSN.exec(text)) {
    const [whole, area = '', group = '', serial = ''] = m;
    if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000') continue;
    if (report(m.index, whole.length)) return true;
  }
  return false;
};

// ---------------------------------------------------------------------------------------------
// IBANs: country code, 2 check digits and up to 30 letters or digits, compact or in groups of
// four separated by single spaces, mod-97 checked. Lower case is accepted (people type it); the
// country code must be one that issues IBANs, which with mod-97 keeps hashes and ids out.

const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])/g;

// The SWIFT IBAN registry, plus countries that publish IBANs outside it (mostly in Africa) and
// territories with codes of their own.
const IBAN_COUNTRIES = new Set(
  (
    'AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR ' +
    'GT HN HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK ' +
    'PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK YE ' +
    'AO BF BJ CF CG CI CM CV DZ GA GQ GW IR KM MA MG ML MZ NE SN TD TG ' +
    'AX BL GF GG GP IM JE MF MQ NC PF PM RE TF WF YT'
  ).split(' '),
);

function isIbanCountry(text: string, start: number): boolean {
  return IBAN_COUNTRIES.has(text.slice(start, start + 2).toUpperCase());
}

/** mod-97 of BBAN + country + check digits, each letter read as two digits (A = 10 ... Z = 35). */
function ibanChecksumValid(text: string, start: number, end: number): boolean {
  let length = 4;
  let remainder = 0;
  for (let pass = 0; pass < 2; pass++) {
    const from = pass === 0 ? start + 4 : start;
    const to = pass === 0 ? end : start + 4;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code === SPACE) continue;
      if (pass === 0) length++;
      remainder = isDigit(code)
        ? (remainder * 10 + (code - ZERO)) % 97
        : (remainder * 100 + ((code | 0x20) - LOWER_A + 10)) % 97;
    }
  }
  return length >= 15 && length <= 34 && remainder === 1;
}

const scanIbans: Scanner = (text, report) => {
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m !== null; m = IBAN.exec(text)) {
    if (!isIbanCountry(text, m.index)) continue;
    // A trailing word ("... 7034 for") may have been read as a last group: retry without it.
    for (let end = m.index + m[0].length; end > m.index + 4; end = text.lastIndexOf(' ', end - 1)) {
      if (ibanChecksumValid(text, m.index, end)) {
        if (report(m.index, end - m.index)) return true;
        break;
      }
    }
  }
  return false;
};

// ---------------------------------------------------------------------------------------------
// API keys and secrets. Each starts with a literal prefix. The scan looks for a rare part of the
// prefix ('-', '_', or an upper-case fragment) with indexOf, far cheaper than a regex tested at
// every position, and runs the key's sticky pattern only where the first character also fits. A
// key right after a character of its own body is part of a longer token, and skipped.

interface SecretPattern {
  /** Searched for with indexOf. */
  anchor: string;
  /** Where the anchor sits from the start of the key. */
  offset: number;
  /** The characters a key can start with (a cheap test before the pattern). */
  starts: Uint8Array;
  /** Sticky, tried at the start of the key. */
  pattern: RegExp;
  /** Characters that may not come just before the key. */
  notAfter: Uint8Array;
  accept?: (key: string) => boolean;
  /** The match is a header; the finding runs through its footer (PEM). */
  block?: true;
}

const ALNUM = alnumAnd('');
const WORD = alnumAnd('_');
const WORD_OR_DASH = alnumAnd('_-');
const NOTHING = only('');
const PEM_END = '-----END ';
const MAX_PEM_BODY = 64 * 1024;

const SECRET_PATTERNS: readonly SecretPattern[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, ...) and Anthropic (sk-ant-...). A key is random, so it
  // has a digit; a hyphenated slug such as `sk-learn-...` has none.
  {
    anchor: '-',
    offset: 2,
    starts: only('s'),
    pattern: /sk-[\w-]{20,}/y,
    notAfter: WORD_OR_DASH,
    accept: (key) => /\d/.test(key),
  },
  // Slack bot, app, user, refresh and legacy tokens.
  { anchor: '-', offset: 4, starts: only('x'), pattern: /xox[baprs]-[A-Za-z0-9-]{10,}/y, notAfter: WORD_OR_DASH },
  // Stripe secret and restricted live keys.
  { anchor: '_', offset: 2, starts: only('sr'), pattern: /[sr]k_live_[A-Za-z0-9]{10,}/y, notAfter: WORD },
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  { anchor: '_', offset: 3, starts: only('g'), pattern: /gh[pousr]_[A-Za-z0-9]{20,}/y, notAfter: WORD },
  { anchor: '_', offset: 6, starts: only('g'), pattern: /github_pat_\w{20,}/y, notAfter: WORD },
  // Google API keys.
  { anchor: 'AIza', offset: 0, starts: only('A'), pattern: /AIza[\w-]{35}(?![\w-])/y, notAfter: WORD_OR_DASH },
  // AWS access key ids, long-term (AKIA) and temporary (ASIA).
  { anchor: 'IA', offset: 2, starts: only('A'), pattern: /A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])/y, notAfter: ALNUM },
  // PEM private keys of any flavour (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK).
  {
    anchor: 'BEGIN ',
    offset: 5,
    starts: only('-'),
    pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y,
    notAfter: NOTHING,
    block: true,
  },
];

/** The patterns grouped by anchor, so each anchor is searched for once. */
const SECRET_ANCHORS: readonly (readonly [anchor: string, secrets: readonly SecretPattern[]])[] = [
  ...new Set(SECRET_PATTERNS.map((secret) => secret.anchor)),
].map((anchor) => [anchor, SECRET_PATTERNS.filter((secret) => secret.anchor === anchor)] as const);

const scanApiKeys: Scanner = (text, report) => {
  // Where the next PEM footer is, remembered so many headers without a footer stay linear.
  let pemFooter = -2;
  for (const [anchor, secrets] of SECRET_ANCHORS) {
    let resume = 0;
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, Math.max(at + 1, resume))) {
      for (const secret of secrets) {
        const start = at - secret.offset;
        if (!inTable(secret.starts, text.charCodeAt(start))) continue;
        if (inTable(secret.notAfter, text.charCodeAt(start - 1))) continue;
        secret.pattern.lastIndex = start;
        const match = secret.pattern.exec(text);
        if (match === null || (secret.accept !== undefined && !secret.accept(match[0]))) continue;
        let end = start + match[0].length;
        if (secret.block) {
          if (pemFooter !== -1 && pemFooter < end) pemFooter = text.indexOf(PEM_END, end);
          end = pemBlockEnd(text, end, pemFooter);
        }
        if (report(start, end - start)) return true;
        resume = end;
        break;
      }
    }
  }
  return false;
};

/** The end of the block a PEM header starts, through its footer line; `headerEnd` if none. */
function pemBlockEnd(text: string, headerEnd: number, footer: number): number {
  if (footer === -1 || footer - headerEnd > MAX_PEM_BODY) return headerEnd;
  const close = text.indexOf('-----', footer + PEM_END.length);
  return close !== -1 && close - footer <= 80 ? close + 5 : headerEnd;
}

// ---------------------------------------------------------------------------------------------
// Cards, SSNs and phone numbers are looked for only inside a cluster of digits and separators
// that holds enough digits to be one of them. Finding the clusters is the one pass over the whole
// text; the anchor regex matches a piece every such number contains (international numbers are
// anchored on their '+' instead), and ordinary numbers (years, versions, short ids) are dropped
// after counting their digits.

// Written without alternation, which lets the regex engine skip ahead rather than try each position.
const NUMBER_ANCHOR = /\d{3}[\d ().-]{1,2}\d\d/g;
const CLUSTER = only(`${DIGITS} ().+-`);
// The fewest digits each kind has: a card 13, an SSN 9, a North-American number 10, and an
// international one 8 (its cluster then holds a '+').
const MIN_DIGITS: Partial<Record<PiiKind, number>> = { credit_card: 13, us_ssn: 9, phone: 10 };
const MIN_INTERNATIONAL_PHONE_DIGITS = 8;
/** The lookarounds and glue checks of the number scanners read at most this far past a match. */
const CONTEXT = 2;

type KindReport = (kind: PiiKind, index: number, length: number) => boolean;

function nextNumberAnchor(text: string, from: number): number {
  NUMBER_ANCHOR.lastIndex = from;
  return NUMBER_ANCHOR.exec(text)?.index ?? -1;
}

function nextPlusAnchor(text: string, from: number): number {
  let at = text.indexOf('+', from);
  while (at !== -1 && !isDigit(text.charCodeAt(at + 1))) at = text.indexOf('+', at + 1);
  return at;
}

function scanNumberClusters(
  text: string,
  scanners: readonly (readonly [PiiKind, Scanner])[],
  report: KindReport,
): boolean {
  let digitAnchor = nextNumberAnchor(text, 0);
  let plusAnchor = nextPlusAnchor(text, 0);
  while (digitAnchor !== -1 || plusAnchor !== -1) {
    const at = digitAnchor === -1 || (plusAnchor !== -1 && plusAnchor < digitAnchor) ? plusAnchor : digitAnchor;
    let start = at;
    while (start > 0 && inTable(CLUSTER, text.charCodeAt(start - 1))) start--;
    let end = at;
    while (end < text.length && inTable(CLUSTER, text.charCodeAt(end))) end++;

    let digits = 0;
    let plus = false;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (isDigit(code)) digits++;
      else if (code === PLUS) plus = true;
    }
    let chunk: string | undefined;
    const from = Math.max(0, start - CONTEXT);
    for (const [kind, scan] of scanners) {
      const needed = kind === 'phone' && plus ? MIN_INTERNATIONAL_PHONE_DIGITS : (MIN_DIGITS[kind] ?? 0);
      if (digits >= needed) {
        chunk ??= text.slice(from, Math.min(text.length, end + CONTEXT));
        if (scan(chunk, (index, length) => report(kind, from + index, length))) return true;
      }
    }
    if (digitAnchor !== -1 && digitAnchor < end) digitAnchor = nextNumberAnchor(text, end);
    if (plusAnchor !== -1 && plusAnchor < end) plusAnchor = nextPlusAnchor(text, end);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

const SINGLE_PASS_SCANNERS: Partial<Record<PiiKind, Scanner>> = {
  api_key: scanApiKeys,
  email: scanEmails,
  iban: scanIbans,
};
const NUMBER_SCANNERS: Partial<Record<PiiKind, Scanner>> = {
  credit_card: scanCards,
  us_ssn: scanSsns,
  phone: scanPhones,
};
// Cheapest and most telling first: the fast path stops at the first finding.
const SCAN_ORDER: readonly PiiKind[] = ['api_key', 'email', 'credit_card', 'us_ssn', 'phone', 'iban'];

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
  const stop: KindReport = () => true;

  return {
    detect(text: string): PiiFinding[] {
      if (typeof text !== 'string' || text.length === 0) return [];
      const findings: PiiFinding[] = [];
      const collect: KindReport = (kind, index, length) => {
        findings.push({ kind, index, length });
        return false;
      };
      for (const pass of passes) pass(text, collect);
      return withoutNested(findings);
    },
    containsPii(text: string): boolean {
      if (typeof text !== 'string' || text.length === 0) return false;
      for (const pass of passes) if (pass(text, stop)) return true;
      return false;
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

// ---------------------------------------------------------------------------------------------
// The text of a task.

export interface CollectTaskTextOptions {
  /** How deep to follow objects and arrays inside `task.data` (the data object is depth 0). Default 64. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;

/**
 * Collects the text the router scans for a task: `task.prompt` (string), `task.messages` (array of
 * strings or `{ content: string | array of { text } }` objects), and every string value of
 * `task.data`, recursively (depth-limited, own enumerable data properties only, cycle-safe, never
 * invoking getters), returned as an array of strings.
 */
export function collectTaskText(
  task: Readonly<Record<string, unknown>>,
  options: CollectTaskTextOptions = {},
): string[] {
  const out: string[] = [];
  if (!isObject(task)) return out;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;

  const prompt = ownData(task, 'prompt');
  if (typeof prompt === 'string') out.push(prompt);

  const messages = ownData(task, 'messages');
  if (isArray(messages)) {
    for (const message of ownValues(messages)) {
      if (typeof message === 'string') out.push(message);
      else if (isObject(message)) collectContent(ownData(message, 'content'), out, maxDepth);
    }
  }

  collectStrings(ownData(task, 'data'), out, maxDepth);
  return out;
}

/**
 * A message's `content`: a string, or parts with a `text` (OpenAI and Anthropic text parts); a
 * part may carry its own `content` (Anthropic `tool_result`), followed to `depth`.
 */
function collectContent(content: unknown, out: string[], depth: number): void {
  if (typeof content === 'string') {
    out.push(content);
    return;
  }
  if (!isArray(content) || depth <= 0) return;
  for (const part of ownValues(content)) {
    if (typeof part === 'string') out.push(part);
    else if (isObject(part)) {
      const text = ownData(part, 'text');
      if (typeof text === 'string') out.push(text);
      collectContent(ownData(part, 'content'), out, depth - 1);
    }
  }
}

/** Every string under `root`, in document order, without recursion (deep data cannot overflow the stack). */
function collectStrings(root: unknown, out: string[], maxDepth: number): void {
  if (typeof root === 'string') {
    out.push(root);
    return;
  }
  if (!isObject(root)) return;
  const seen = new Set<object>([root]);
  const stack: { value: object; depth: number }[] = [{ value: root, depth: 0 }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const children: object[] = [];
    for (const value of ownValues(entry.value)) {
      if (typeof value === 'string') out.push(value);
      else if (isLongNumber(value)) out.push(String(value));
      else if (isObject(value) && entry.depth < maxDepth && !seen.has(value)) {
        seen.add(value);
        children.push(value);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ value: children[i]!, depth: entry.depth + 1 });
  }
}

/**
 * A number or bigint long enough to be an identifier (a card, account or phone number stored as a
 * number rather than a string): nine digits or more. Shorter numbers are quantities, not PII.
 */
function isLongNumber(value: unknown): value is number | bigint {
  if (typeof value === 'bigint') return value >= 100_000_000n || value <= -100_000_000n;
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 100_000_000;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The value of an own data property; undefined for accessors, so no getter ever runs. */
function ownData(target: object, key: string): unknown {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined; // a revoked or hostile proxy
  }
}

/** Array.isArray, which throws on a revoked proxy. */
function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** The values of the own enumerable data properties of `target` (typed arrays are not text). */
function ownValues(target: object): unknown[] {
  if (ArrayBuffer.isView(target)) return [];
  let keys: string[];
  try {
    keys = Object.keys(target);
  } catch {
    return []; // a revoked or hostile proxy
  }
  const values: unknown[] = [];
  for (const key of keys) {
    const value = ownData(target, key);
    if (value !== undefined) values.push(value);
  }
  return values;
}
