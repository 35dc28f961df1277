// A fast reader for the plain YAML that configuration files are written in: block maps and lists,
// one-line scalars (plain, 'single' or "double" quoted without escapes), one-line flow lists and
// maps of scalars, and comments. It gives the value the `yaml` package would give for such a text,
// or `undefined` as soon as it meets anything else (anchors, tags, block scalars, multi-line
// scalars, escapes, duplicate keys, odd indentation, ...) — the caller then parses the text with
// `yaml` itself, which also reports the errors. It never guesses: what it accepts it has checked.
//
// Scalars resolve as in YAML 1.2's core schema, with the patterns and conversions of `yaml`'s
// (null, booleans, octal / decimal / hexadecimal integers, .inf / .nan, floats).

const UNSUPPORTED_CHARACTERS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|\r(?!\n)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A plain key: letters, digits and `_ . / + -`, then `:` and a space or the end of the line. */
const PLAIN_KEY = /^[A-Za-z0-9_][\w./+-]*:(?: |$)/;
/** Characters that cannot start a plain scalar here (indicators, and what we leave to `yaml`). */
const NOT_PLAIN_START = new Set(['&', '*', '!', '|', '>', '%', '@', '`', '?', ':', ',', '[', ']', '{', '}', '#', '"', "'"]);
const MAX_KEY_LENGTH = 1000;

class Unsupported extends Error {}

function bail(): never {
  throw new Unsupported();
}

/** The value `yaml` would give for `text`, or `undefined` when the text is not plain enough to read here. */
export function parseSimpleYaml(text: string): { value: unknown } | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  try {
    return { value: new Reader(text).document() };
  } catch {
    // Unsupported, or anything unforeseen (a stack overflow on absurd nesting): `yaml` decides.
    return undefined;
  }
}

class Reader {
  /** The indentation and the text (without indentation or trailing spaces) of each line with content. */
  private readonly indents: number[] = [];
  private readonly texts: string[] = [];
  private at = 0;

  constructor(source: string) {
    const lines = source.split('\n');
    for (let line of lines) {
      if (line.endsWith('\r')) line = line.slice(0, -1);
      let indent = 0;
      while (line.charCodeAt(indent) === 32) indent++;
      let end = line.length;
      while (end > indent && line.charCodeAt(end - 1) === 32) end--;
      if (end === indent) continue;
      const text = indent === 0 && end === line.length ? line : line.slice(indent, end);
      const first = text.charCodeAt(0);
      if (first === 35 /* # */) continue;
      // Directives and document markers are left to `yaml`.
      if (first === 37 /* % */ || text.startsWith('---') || text.startsWith('...')) bail();
      this.indents.push(indent);
      this.texts.push(text);
    }
  }

  document(): unknown {
    if (this.texts.length === 0 || this.indents[0] !== 0 || isDashLine(this.texts[0]!)) bail();
    const value = this.map(0, undefined);
    if (this.at !== this.texts.length) bail();
    return value;
  }

  /** A block map whose keys are at `indent`; `first` is its first line when it starts after a `- `. */
  private map(indent: number, first: string | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      let text: string;
      if (first !== undefined) {
        text = first;
        first = undefined;
      } else {
        if (this.at >= this.texts.length) break;
        const lineIndent = this.indents[this.at]!;
        if (lineIndent < indent) break;
        text = this.texts[this.at]!;
        if (lineIndent > indent || isDashLine(text)) bail();
        this.at++;
      }
      const { key, rest } = splitKey(text);
      if (Object.hasOwn(out, key)) bail();
      const value = rest === '' || rest.charCodeAt(0) === 35 /* # */ ? this.nested(indent, true) : this.inline(rest, indent);
      // As `yaml` does: a key the object already answers to (`__proto__`, `toString`) becomes its own property.
      if (key in out) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  /** A block list whose dashes are at `indent`. */
  private list(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.at < this.texts.length) {
      const lineIndent = this.indents[this.at]!;
      if (lineIndent < indent) break;
      if (lineIndent > indent) bail();
      const text = this.texts[this.at]!;
      if (!isDashLine(text)) break;
      this.at++;
      let column = 1;
      while (text.charCodeAt(column) === 32) column++;
      const rest = text.slice(column);
      if (rest === '' || rest.charCodeAt(0) === 35 /* # */) out.push(this.nested(indent, false));
      else if (isDashLine(rest)) bail();
      else if (isKeyLine(rest)) out.push(this.map(indent + column, rest));
      else out.push(this.inline(rest, indent));
    }
    return out;
  }

  /** The block value after `key:` (or a lone `-`) at `indent`: a deeper map or list, a list at the same indentation after a key, or null. */
  private nested(indent: number, afterKey: boolean): unknown {
    if (this.at >= this.texts.length) return null;
    const lineIndent = this.indents[this.at]!;
    const text = this.texts[this.at]!;
    if (lineIndent > indent) return isDashLine(text) ? this.list(lineIndent) : this.map(lineIndent, undefined);
    if (lineIndent === indent && afterKey && isDashLine(text)) return this.list(lineIndent);
    return null;
  }

  /** A value written on its line; nothing may continue it on deeper lines. */
  private inline(text: string, indent: number): unknown {
    const value = inlineValue(text);
    if (this.at < this.texts.length && this.indents[this.at]! > indent) bail();
    return value;
  }
}

/** A character of a plain key (PLAIN_KEY): letters, digits, `_`, and after the first also `. / + -`. */
function isKeyCharacter(c: number, first: boolean): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) return true;
  return !first && (c === 46 || c === 47 || c === 43 || c === 45);
}

function isDashLine(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && (text.length === 1 || text.charCodeAt(1) === 32);
}

function isKeyLine(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 34 /* " */ || first === 39 /* ' */) {
    const quoted = readQuoted(text);
    return quoted !== undefined && text.charCodeAt(quoted.end) === 58 /* : */ && (quoted.end + 1 === text.length || text.charCodeAt(quoted.end + 1) === 32);
  }
  return PLAIN_KEY.test(text);
}

/** The key of a `key: value` line and what follows the colon (trimmed). */
function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  const first = text.charCodeAt(0);
  if (first === 34 /* " */ || first === 39 /* ' */) {
    const quoted = readQuoted(text);
    if (quoted === undefined || text.charCodeAt(quoted.end) !== 58 /* : */) bail();
    key = quoted.value;
    after = quoted.end + 1;
    // `yaml` limits a key as written in the file (quotes and doubled quotes included).
    if (quoted.end > MAX_KEY_LENGTH) bail();
  } else {
    // PLAIN_KEY, scanned by hand: a key character first, then key characters up to the colon.
    let end = 0;
    while (end < text.length && isKeyCharacter(text.charCodeAt(end), end === 0)) end++;
    if (end === 0 || text.charCodeAt(end) !== 58 /* : */) bail();
    key = text.slice(0, end);
    // A key that would resolve to a number, a boolean or null is left to `yaml`.
    if (resolvePlain(key) !== key) bail();
    after = end + 1;
  }
  if (key.length > MAX_KEY_LENGTH) bail();
  if (after < text.length && text.charCodeAt(after) !== 32) bail();
  let start = after;
  while (text.charCodeAt(start) === 32) start++;
  return { key, rest: text.slice(start) };
}

/** A quoted scalar at the start of `text`, without escapes, closed on the line. */
function readQuoted(text: string): { value: string; end: number } | undefined {
  const quote = text[0]!;
  if (quote === '"') {
    for (let i = 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 92 /* \ */) return undefined;
      if (c === 34) return { value: text.slice(1, i), end: i + 1 };
    }
    return undefined;
  }
  let value = '';
  let from = 1;
  for (let i = 1; i < text.length; i++) {
    if (text.charCodeAt(i) !== 39 /* ' */) continue;
    if (text.charCodeAt(i + 1) === 39) {
      value += text.slice(from, i + 1);
      from = i + 2;
      i++;
      continue;
    }
    return { value: value + text.slice(from, i), end: i + 1 };
  }
  return undefined;
}

/** Nothing but spaces and a comment may follow a quoted scalar or a flow collection. */
function checkTail(text: string, from: number): void {
  if (from === text.length) return;
  if (text.charCodeAt(from) !== 32) bail();
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  if (i < text.length && text.charCodeAt(i) !== 35 /* # */) bail();
}

function inlineValue(text: string): unknown {
  const first = text[0]!;
  if (first === '"' || first === "'") {
    const quoted = readQuoted(text);
    if (quoted === undefined) bail();
    checkTail(text, quoted.end);
    return quoted.value;
  }
  if (first === '[' || first === '{') return flowCollection(text);
  if (NOT_PLAIN_START.has(first) || (first === '-' && (text.length === 1 || text.charCodeAt(1) === 32))) bail();
  let end = text.indexOf(' #');
  if (end < 0) end = text.length;
  else while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  const plain = text.slice(0, end);
  if (plain.includes(': ') || plain.endsWith(':')) bail();
  return resolvePlain(plain);
}

/** `[a, "b"]` or `{ k: v, k2: "v2" }` of scalars, on one line. */
function flowCollection(text: string): unknown {
  const isList = text[0] === '[';
  const close = isList ? ']' : '}';
  const items: string[] = [];
  let current = '';
  let i = 1;
  let closed = -1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // A quote opens a quoted scalar only where an item or a value starts; inside a plain word
      // (`don't`) it is part of the word, and such text is left to `yaml`.
      const before = trimSpaces(current);
      if (!(before === '' || (!isList && before.endsWith(':') && current.endsWith(' ')))) bail();
      const quoted = readQuoted(text.slice(i));
      if (quoted === undefined) bail();
      current += text.slice(i, i + quoted.end);
      i += quoted.end;
      continue;
    }
    if (c === close) {
      closed = i;
      break;
    }
    if (c === '[' || c === ']' || c === '{' || c === '}' || c === '#') bail();
    if (c === ',') {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
    i++;
  }
  if (closed < 0) bail();
  checkTail(text, closed + 1);
  items.push(current);
  if (items.length === 1 && trimSpaces(items[0]!) === '') return isList ? [] : {};
  if (isList) return items.map((item) => flowScalar(trimSpaces(item)));
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const entry = trimSpaces(item);
    const first = entry.charCodeAt(0);
    let key: string;
    let rest: string;
    if (first === 34 || first === 39) {
      const quoted = readQuoted(entry);
      if (quoted === undefined || entry.charCodeAt(quoted.end) !== 58 /* : */ || entry.charCodeAt(quoted.end + 1) !== 32) bail();
      if (quoted.end > MAX_KEY_LENGTH) bail();
      key = quoted.value;
      rest = trimSpaces(entry.slice(quoted.end + 2));
    } else {
      const colon = entry.indexOf(': ');
      if (colon < 0) bail();
      key = entry.slice(0, colon);
      if (!PLAIN_KEY.test(`${key}:`) || resolvePlain(key) !== key) bail();
      rest = trimSpaces(entry.slice(colon + 2));
    }
    if (key.length > MAX_KEY_LENGTH || Object.hasOwn(out, key)) bail();
    const value = flowScalar(rest);
    if (key in out) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** `text` without the ASCII spaces around it: YAML's separation spaces (a no-break or ideographic space is content). */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** One scalar of a flow collection: quoted, or plain without `:`. */
function flowScalar(text: string): unknown {
  if (text === '') bail();
  const first = text[0]!;
  if (first === '"' || first === "'") {
    const quoted = readQuoted(text);
    if (quoted === undefined || quoted.end !== text.length) bail();
    return quoted.value;
  }
  if (NOT_PLAIN_START.has(first) || text.includes(':') || (first === '-' && (text.length === 1 || text.charCodeAt(1) === 32))) bail();
  return resolvePlain(text);
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the core schema, tried in `yaml`'s order of tags. */
function resolvePlain(text: string): unknown {
  const c = text.charCodeAt(0);
  // Most scalars are words: only n, N, t, T, f, F, ~, digits, signs and dots can be anything else.
  const lower = c | 0x20;
  if (lower >= 97 /* a */ && lower <= 122 /* z */ && lower !== 110 /* n */ && lower !== 116 /* t */ && lower !== 102 /* f */) return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return c === 116 || c === 84;
  if (INT_OCT.test(text)) return parseInt(text.slice(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.slice(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? Number.NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}
