// AWS secret access keys: 40 characters of base64 (`A-Z a-z 0-9 / +`, and `=` after the first)
// standing alone. Many hashes, ids and encoded blobs look alike, so a bare one is never reported:
// it must come right after
//  - a label that names it, in any case: `aws_secret_access_key`, `AWS_SECRET`, `SecretAccessKey`,
//    `secret_access_key`, `aws-secret-key` — that is `secret[_-]?access[_-]?key` or `aws[_-]?secret`,
//    running on with up to 20 word characters or dashes (`AWS_SECRET_ACCESS_KEY_PROD`);
//  - or an access key id (`AKIA`/`ASIA` and 16 more), as in a credentials CSV row or `id:secret`;
// with 1 to 8 characters of spaces, quotes, `=`, `:`, `>`, `|` or `,` between (`=`, `: "`, `>`).
// It must also hold both upper- and lower-case letters, as a random key all but always does (one in
// 10^9 lacks either) while hex digests, upper-case placeholders and words do not.
//
// Each label or id is found first (a literal regex, indexOf) and then matched by a sticky regex
// whose repetitions are all bounded, so each takes constant time.
import { alnumAnd, inTable } from './char-classes.js';
import type { Scanner } from './scanner.js';

const SEPARATOR = '[\\s"\'`=:>|,]{1,8}';
/** A match ends with the key, KEY_LENGTH characters long. */
const KEY = '[A-Za-z0-9/+][A-Za-z0-9/+=]{39}(?![A-Za-z0-9/+=])';
/** From the `s` of `secret`; group 1 is set when the label says `access key`. */
const AFTER_LABEL = new RegExp(`secret([_-]?access[_-]?key)?[\\w-]{0,20}${SEPARATOR}${KEY}`, 'iy');
/** From the first character of an access key id. */
const AFTER_KEY_ID = new RegExp(`A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])${SEPARATOR}${KEY}`, 'y');
/** Where a label may start. A literal regex, unlike indexOf('secret'), skips ahead without stopping at every 's'. */
const LABEL = /secret/gi;
const ALNUM = alnumAnd('');
const UPPER_A = 65; // 'A'
const KEY_LENGTH = 40;

function mixedCase(key: string): boolean {
  return /[a-z]/.test(key) && /[A-Z]/.test(key);
}

/** Whether `aws`, `aws_` or `aws-` ends just before `start`. */
function awsBefore(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 4), start).toLowerCase();
  return before.endsWith('aws') || before.endsWith('aws_') || before.endsWith('aws-');
}

/** The match of `pattern` from `start`, if the key it ends with is mixed-case. */
function keyFrom(pattern: RegExp, text: string, start: number): RegExpExecArray | undefined {
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  return match !== null && mixedCase(match[0].slice(-KEY_LENGTH)) ? match : undefined;
}

export const scanAwsSecretKeys: Scanner = (text, report) => {
  LABEL.lastIndex = 0;
  for (let label = LABEL.exec(text); label !== null; label = LABEL.exec(text)) {
    const match = keyFrom(AFTER_LABEL, text, label.index);
    if (match === undefined || (match[1] === undefined && !awsBefore(text, label.index))) continue;
    if (report(label.index + match[0].length - KEY_LENGTH, KEY_LENGTH)) return true;
  }
  for (let at = text.indexOf('IA'); at !== -1; at = text.indexOf('IA', at + 1)) {
    const start = at - 2;
    if (text.charCodeAt(start) !== UPPER_A || inTable(ALNUM, text.charCodeAt(start - 1))) continue;
    const match = keyFrom(AFTER_KEY_ID, text, start);
    if (match !== undefined && report(start + match[0].length - KEY_LENGTH, KEY_LENGTH)) return true;
  }
  return false;
};
