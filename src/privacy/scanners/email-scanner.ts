// E-mail addresses, found from each '@' outwards, so text without an '@' costs one indexOf. The
// domain must have two labels and an alphabetic top-level label, which keeps `@mention`,
// `user@localhost` and `name@123.45` out.
//
// Internationalised addresses (`jürgen@müller.de`, `user@例え.jp`) are found too: letters and
// digits of any script may be part of the local part and the domain. Chinese, Japanese, Korean,
// Thai ... are written without spaces, so where such a letter meets an ASCII letter or digit the
// address ends (`请联系jane@example.com谢谢` holds `jane@example.com`).
//
// Not addresses, though written with an '@': a URL's user (`ssh://git@github.com/org/repo`: in a
// URL an '@' ends the user name, so no address is there), and an scp-like remote, a user at a host
// followed by ':' and a path with a '/' or ending in `.git` (`git@github.com:org/repo.git`). An
// address in a URL's path, query or fragment is one (`https://crm.example/u?email=jane@example.com`),
// and so is one followed by ':' and anything else (`jane@example.com:hunter2`).
import { alnumAnd, DASH, DOT, inTable, isAlpha, only } from './char-classes.js';
import type { Scanner } from './scanner.js';
import { LETTER, LETTER_OR_DIGIT, unicodeClass, UNSPACED } from './unicode-classes.js';

/** RFC 5322 `atext` plus the dot: what an unquoted local part is made of. */
const LOCAL_PART = alnumAnd("!#$%&'*+-/=?^_`{|}~.");
const DOMAIN = alnumAnd('-.');
const ALNUM = alnumAnd('');
/** What an scp-like remote's path is made of, after the ':'. */
const REMOTE_PATH = alnumAnd('/~._-');
const URL_DELIMITERS = only('/?#&=');

const SLASH = 47; // '/'
const COLON = 58; // ':'
const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 255;

export const scanEmails: Scanner = (text, report) => {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    const floor = Math.max(0, at - MAX_LOCAL_PART);
    while (start > floor && isLocalPart(text.charCodeAt(start - 1)) && !wordBreak(text, start - 1)) start--;
    while (start < at && text.charCodeAt(start) === DOT) start++;
    if (start === at) continue;
    if (afterScheme(text, start)) {
      // Inside a URL: `scheme://user@host` names no address, but one in its path, query or
      // fragment (`https://crm.example/u?email=jane@example.com`) is one, from the last delimiter on.
      const delimiter = lastUrlDelimiter(text, start + 2, at);
      if (delimiter === -1) continue;
      start = delimiter + 1;
      if (start === at) continue;
    }
    const domain = domainLength(text, at + 1);
    if (domain === 0 || isRemotePath(text, at + 1 + domain)) continue;
    if (report(start, at + 1 + domain - start)) return true;
  }
  return false;
};

function isLocalPart(code: number): boolean {
  return inTable(LOCAL_PART, code) || (unicodeClass(code) & LETTER_OR_DIGIT) !== 0;
}

function isDomain(code: number): boolean {
  return inTable(DOMAIN, code) || (unicodeClass(code) & LETTER_OR_DIGIT) !== 0;
}

function isUnspaced(code: number): boolean {
  return (unicodeClass(code) & UNSPACED) !== 0;
}

/** Whether `text[i]` and `text[i + 1]` are an ASCII letter or digit and a letter of a script without spaces. */
function wordBreak(text: string, i: number): boolean {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  return (inTable(ALNUM, a) && isUnspaced(b)) || (isUnspaced(a) && inTable(ALNUM, b));
}

/** Whether `text[start]` begins the `//` right after a scheme's ':' (`https://...`). */
function afterScheme(text: string, start: number): boolean {
  return text.charCodeAt(start) === SLASH && text.charCodeAt(start + 1) === SLASH && start >= 2 && text.charCodeAt(start - 1) === COLON && inTable(ALNUM, text.charCodeAt(start - 2));
}

/** The last of `/ ? # & =` in `text[from, to)`, which end a URL's host, path segment or query key; -1 if none. */
function lastUrlDelimiter(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (inTable(URL_DELIMITERS, text.charCodeAt(i))) return i;
  return -1;
}

/**
 * `user@host:path`, an scp-like remote such as `git@github.com:org/repo.git`: the ':' is followed
 * by a path with a '/' or ending in `.git`. After any other ':' the address stands
 * (`jane@example.com:hunter2`, `jane@example.com:8080`).
 */
function isRemotePath(text: string, domainEnd: number): boolean {
  if (text.charCodeAt(domainEnd) !== COLON) return false;
  let end = domainEnd + 1;
  let slash = false;
  while (end < text.length && inTable(REMOTE_PATH, text.charCodeAt(end))) {
    if (text.charCodeAt(end) === SLASH) slash = true;
    end++;
  }
  return end > domainEnd + 1 && (slash || text.endsWith('.git', end));
}

/**
 * The length of the longest host name starting at `from` that has at least two labels and an
 * alphabetic top-level label of two or more characters; 0 if there is none.
 */
function domainLength(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  let end = from;
  while (end < limit && isDomain(text.charCodeAt(end)) && !(end > from && wordBreak(text, end - 1))) end++;

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
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (!isAlpha(code) && (unicodeClass(code) & LETTER) === 0) return false;
  }
  return true;
}
