// The text of a task: every string the router scans for PII, gathered from the prompt, the
// messages and the task's data without ever running the host's code (no getters, no proxies' traps
// beyond the descriptor reads).

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
