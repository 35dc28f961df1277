// The JSON bodies the admin API accepts, as strict zod schemas (an unknown key is refused, so a typo
// never passes silently), and the one place a failed parse becomes a 400 naming the field.
import { z } from 'zod';
import { AdminRequestError } from './admin-response.js';

const MAX_ID = 256;
const MAX_REASON = 1000;

const id = z.string().min(1).max(MAX_ID);
const reason = z.string().max(MAX_REASON);
/** `'2h'`, `'1h30m'`, or milliseconds; the router parses it (a bad one is its `InvalidArgumentError`, a 400). */
const duration = z.union([z.string().min(1).max(64), z.number()]);
/**
 * An open JSON object (a task, a context), passed through as parsed — not copied, so keys such as
 * `__proto__` stay plain own data properties, which is how the router reads them.
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'expected a JSON object' },
);

export const agentModelBody = z.strictObject({ model_id: id, reason: reason.optional(), duration: duration.optional() });
export const strategyBody = z.strictObject({ strategy: id, reason: reason.optional(), duration: duration.optional() });
export const taskRoutingBody = z.strictObject({ force_model: id, reason: reason.optional(), duration: duration.optional() });
export const explainBody = z.strictObject({ agent_id: id, task: jsonObject.optional(), context: jsonObject.optional() });
export const experimentChangeBody = z.strictObject({ reason: reason.optional() });

export type AgentModelBody = z.infer<typeof agentModelBody>;
export type StrategyBody = z.infer<typeof strategyBody>;
export type TaskRoutingBody = z.infer<typeof taskRoutingBody>;
export type ExplainBody = z.infer<typeof explainBody>;
export type ExperimentChangeBody = z.infer<typeof experimentChangeBody>;

/** `['task', 'steps', 0]` → `task.steps[0]`. */
function pathOf(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** A key as echoed back: at most 64 characters of it. */
function shorten(key: string): string {
  return key.length > 64 ? `${key.slice(0, 61)}...` : key;
}

/** Parses `value` with `schema`, or throws a 400 `INVALID_BODY` naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path = pathOf(issue.path);
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') {
    const key = shorten(issue.keys[0]!);
    path = pathOf([...issue.path, key]);
    message = `Unknown field "${key}"${issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : ''}`;
  }
  if (path === '') throw new AdminRequestError(400, 'INVALID_BODY', `Invalid body: ${message}`);
  throw new AdminRequestError(400, 'INVALID_BODY', `Invalid ${path}: ${message}`, { path });
}
