// API keys and secrets. Each starts with a literal prefix. The scan looks for a rare part of the
// prefix ('-', '_', or an upper-case fragment) with indexOf, far cheaper than a regex tested at
// every position, and runs the key's sticky pattern only where the first character also fits. A
// key right after a character of its own body is part of a longer token, and skipped. Secrets
// without a prefix of their own, known by their context (AWS secret keys) or by what they decode
// to (JWTs), have scanners of their own.
import { alnumAnd, inTable, only } from './char-classes.js';
import type { Scanner } from './scanner.js';

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

export const scanApiKeys: Scanner = (text, report) => {
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
