// Runs every `curl` of docs/admin-api.md against a real server, in the order of the page, so the
// examples cannot drift from the API.
//
// Conventions of the page:
// - Each ```bash block's `curl` commands (a trailing `\` continues a line) run in order; other lines
//   are ignored. `$ADMIN_URL` and `$ADMIN_TOKEN` are the test server and its token.
// - `# expect: <status>` on the line before a curl is its expected status (default 200).
// - A ```json block after a bash block (before the next one) is the expected answer of that block's
//   last curl, checked as a subset: an object may leave keys out; a list must match item by item,
//   unless its last item is "...", which means more items may follow.
// - `<!-- not-run: reason -->` right above a bash block skips it.
// Commands run with the real `curl` when it is installed (never through a shell: the words are
// split here), else as the equivalent fetch.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, inspect, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, TOKEN, type AdminServer } from './admin-harness.js';

const DOC = fileURLToPath(new URL('../../docs/admin-api.md', import.meta.url));
// ADMIN_DOCS_NO_CURL=1 forces the fetch translation (to test it where curl is installed).
const HAS_CURL = process.env.ADMIN_DOCS_NO_CURL !== '1' && spawnSync('curl', ['--version']).status === 0;

interface Example {
  line: number;
  words: string[];
  status: number;
  /** The documented answer, when a json block follows this example's block and it is the block's last. */
  answer?: unknown;
}

/** Splits a command into words as a POSIX shell would (quotes, backslashes, $VARS), without running one. */
function shellWords(command: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const expand = (text: string, at: number): [string, number] => {
    const match = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(at));
    if (!match) return ['$', at + 1];
    const name = match[1] ?? match[2]!;
    if (!(name in env)) throw new Error(`unknown variable $${name} in: ${command}`);
    return [env[name]!, at + match[0].length];
  };
  for (let i = 0; i < command.length; ) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${command}`);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < command.length && command[i] !== '"') {
        if (command[i] === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) {
          word += command[i + 1];
          i += 2;
        } else if (command[i] === '$') {
          const [value, next] = expand(command, i);
          word += value;
          i = next;
        } else word += command[i++];
      }
      if (command[i] !== '"') throw new Error(`unterminated " in: ${command}`);
      inWord = true;
      i++;
    } else if (c === '\\') {
      word += command[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (c === '$') {
      const [value, next] = expand(command, i);
      word += value;
      inWord = true;
      i = next;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if ('|&;<>()`*?[#~'.includes(c) && !inWord) {
      throw new Error(`shell syntax "${c}" is not supported in doc examples: ${command}`);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function markerAbove(lines: string[], fence: number, name: string): string | undefined {
  for (let k = fence - 1; k >= 0; k--) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const marker = /^<!--\s*([\w-]+)\s*(?::\s*([\s\S]*?))?\s*-->$/.exec(line);
    if (!marker) return undefined;
    if (marker[1] === name) return marker[2] ?? '';
  }
  return undefined;
}

/** The page's curl examples, with the raw text of each (unexpanded) for messages. */
function examples(env: Record<string, string>): (Example & { text: string })[] {
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const found: (Example & { text: string })[] = [];
  let lastBlock: (Example & { text: string })[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const body = lines.slice(i + 1, end);
    if (open[1] === 'bash' && markerAbove(lines, i, 'not-run') === undefined) {
      lastBlock = [];
      let status = 200;
      for (let j = 0; j < body.length; j++) {
        const expectLine = /^#\s*expect:\s*(\d{3})\s*$/.exec(body[j]!.trim());
        if (expectLine) status = Number(expectLine[1]);
        if (!/^curl\s/.test(body[j]!.trim())) continue;
        const start = j;
        let text = body[j]!;
        while (text.endsWith('\\') && j + 1 < body.length) text = `${text.slice(0, -1)} ${body[++j]!.trim()}`;
        const example = { line: i + 2 + start, text, words: shellWords(text, env).slice(1), status };
        lastBlock.push(example);
        found.push(example);
        status = 200;
      }
    } else if (open[1] === 'json' && lastBlock && lastBlock.length > 0) {
      lastBlock.at(-1)!.answer = JSON.parse(body.join('\n'));
      lastBlock = undefined;
    }
    i = end;
  }
  return found;
}

/** The request a curl command line makes (the subset of curl the page uses). */
function requestOf(words: string[]): { url: string; method: string; headers: Record<string, string>; body?: string } {
  let url: string | undefined;
  let method: string | undefined;
  const headers: Record<string, string> = {};
  let body: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-s' || word === '-S' || word === '-sS') continue;
    if (word === '-X' || word === '--request') method = words[++i];
    else if (word === '-H' || word === '--header') {
      const header = words[++i]!;
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') body = words[++i];
    else if (word.startsWith('-')) throw new Error(`curl option ${word} is not supported by the doc runner`);
    else url = word;
  }
  if (url === undefined) throw new Error('no URL');
  // curl's own defaults for -d: POST, and a form content type unless one is given.
  if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return { url, method: method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) };
}

async function run(words: string[]): Promise<{ status: number; text: string }> {
  if (HAS_CURL) {
    const { stdout } = await promisify(execFile)('curl', [...words, '--max-time', '10', '--write-out', '\n%{http_code}'], { encoding: 'utf8' });
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), text: stdout.slice(0, cut) };
  }
  const { url, ...init } = requestOf(words);
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}

/** Whether `actual` has everything `documented` shows (see the conventions above). */
function subsetMismatch(documented: unknown, actual: unknown, path = '$'): string | undefined {
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${inspect(actual)}`;
    const open = documented.at(-1) === '...';
    const items = open ? documented.slice(0, -1) : documented;
    if (open ? actual.length < items.length : actual.length !== items.length) return `${path}: expected ${items.length}${open ? ' or more' : ''} items, got ${actual.length}`;
    for (let i = 0; i < items.length; i++) {
      const problem = subsetMismatch(items[i], actual[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof documented === 'object' && documented !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object, got ${inspect(actual)}`;
    for (const [key, value] of Object.entries(documented)) {
      if (!Object.hasOwn(actual, key)) return `${path}.${key}: missing`;
      const problem = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return isDeepStrictEqual(documented, actual) ? undefined : `${path}: documented ${inspect(documented)}, got ${inspect(actual)}`;
}

describe('docs/admin-api.md: the curl examples', () => {
  let admin: AdminServer;
  let found: ReturnType<typeof examples> = [];
  beforeAll(async () => {
    admin = await startAdmin();
    found = examples({ ADMIN_URL: admin.url, ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await admin.close();
  });

  it(`every curl runs and answers as documented (${HAS_CURL ? 'with curl' : 'curl is not installed: as fetch'})`, async () => {
    expect(found.length).toBeGreaterThanOrEqual(20);
    for (const example of found) {
      const where = `docs/admin-api.md:${example.line}: ${example.text.trim()}`;
      const { status, text } = await run(example.words);
      expect(status, `${where}\n${text}`).toBe(example.status);
      const body: unknown = JSON.parse(text);
      if (example.answer !== undefined) {
        const problem = subsetMismatch(example.answer, body);
        expect(problem, `${where}\n${JSON.stringify(body, null, 2)}`).toBeUndefined();
      }
    }
  });

  it('covers every endpoint and method', () => {
    const covered = new Set(found.map((e) => {
      const { url, method } = requestOf(e.words);
      return `${method} ${new URL(url).pathname.replace(/\/api\/(agents|tasks|experiments)\/[^/]+\//, '/api/$1/{id}/')}`;
    }));
    for (const endpoint of [
      'POST /api/agents/{id}/model', 'DELETE /api/agents/{id}/model', 'POST /api/routing/strategy', 'DELETE /api/routing/strategy',
      'POST /api/tasks/{id}/routing', 'DELETE /api/tasks/{id}/routing', 'GET /api/overrides', 'GET /api/budget', 'GET /api/models',
      'GET /api/metrics', 'POST /api/route/explain', 'GET /api/experiments', 'POST /api/experiments/{id}/start',
      'POST /api/experiments/{id}/pause', 'GET /api/audit',
    ]) {
      expect(covered, endpoint).toContain(endpoint);
    }
  });
});

describe('the doc runner', () => {
  it('splits words as a shell does, without running one', () => {
    const env = { ADMIN_URL: 'http://h:1', ADMIN_TOKEN: 't' };
    expect(shellWords(`curl -s -X POST "$ADMIN_URL/api/x" -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"a": "$ADMIN_URL"}'`, env)).toEqual([
      'curl', '-s', '-X', 'POST', 'http://h:1/api/x', '-H', 'Authorization: Bearer t', '-d', '{"a": "$ADMIN_URL"}',
    ]);
    expect(shellWords('a\\ b "c\\"d" ${ADMIN_TOKEN}x', env)).toEqual(['a b', 'c"d', 'tx']);
    expect(() => shellWords('curl x | sh', env)).toThrow(/not supported/);
    expect(() => shellWords('curl $HOME', env)).toThrow(/unknown variable/);
  });

  it('compares documented answers as subsets', () => {
    expect(subsetMismatch({ a: 1 }, { a: 1, b: 2 })).toBeUndefined();
    expect(subsetMismatch({ a: 1 }, { a: 2 })).toMatch(/\$\.a/);
    expect(subsetMismatch([1, '...'], [1, 2, 3])).toBeUndefined();
    expect(subsetMismatch([1], [1, 2])).toMatch(/1 items/);
    expect(subsetMismatch({ a: null }, {})).toMatch(/missing/);
  });

  it('translates curl to a request as curl would send it', () => {
    expect(requestOf(['-s', 'http://h/x', '-d', 'a=1'])).toEqual({ url: 'http://h/x', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(() => requestOf(['-k', 'http://h/x'])).toThrow(/not supported/);
  });
});
