// A value planted on Object.prototype under the name of a configuration field must change nothing:
// not what the configuration means (a global rule's `enabled`, `require_local_for_pii`, a strategy's
// `allow_cloud_models`, ...), not whether it loads. The router reads a configuration's own fields
// only — its checked copy has no prototype — and the seed's privacy promise (PII never leaves for the
// cloud) holds whatever the prototype carries. Every field name the configuration schema knows is
// tried, with values that would matter if taken.
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterConfigInput, type RoutingDecision } from '../../src/index.js';
import { configSchemas, type SchemaNode } from '../../src/config/schema.js';
import { loadSeed } from '../helpers/seed.js';

/** Every key of every object shape in the configuration schema. */
function schemaKeys(node: SchemaNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'object':
      for (const [key, inner] of Object.entries(node.shape)) {
        into.add(key);
        schemaKeys(inner, into);
      }
      break;
    case 'record':
      schemaKeys(node.value, into);
      break;
    case 'array':
      schemaKeys(node.element, into);
      break;
    case 'optional':
      schemaKeys(node.inner, into);
      break;
    default:
  }
  return into;
}

const SSN = 'my SSN is 078-05-1120';
/** Requests that exercise the rules, the strategies and the privacy rule of the seed. */
const REQUESTS: [string, Record<string, unknown>][] = [
  ['cto_agent', { complexity: 9, prompt: SSN }],
  ['cto_agent', { complexity: 9 }],
  ['backend_agent', { type: 'bug_fix', complexity: 8, prompt: SSN }],
  ['frontend_agent', { complexity: 8 }],
  ['qa_agent', { type: 'review', critical: true }],
];

async function decisions(config: RouterConfigInput): Promise<(RoutingDecision | string)[]> {
  const router = createRouter(config, { logger: {}, clock: () => 1_767_225_600_000 });
  return Promise.all(REQUESTS.map(([agent, task]) => router.explain(agent, task).catch((error: { code?: string }) => error.code ?? 'error')));
}

/** The seed as an application builds a configuration: plain objects (loaded before any pollution). */
async function plainSeed(): Promise<RouterConfigInput> {
  const { models, agents, routing } = await loadSeed();
  return JSON.parse(JSON.stringify({ models, agents, routing })) as RouterConfigInput;
}

async function polluted<T>(key: string, value: unknown, run: () => Promise<T>): Promise<T> {
  const proto = Object.prototype as Record<string, unknown>;
  proto[key] = value;
  try {
    return await run();
  } finally {
    delete proto[key];
  }
}

describe('a polluted Object.prototype and the configuration', () => {
  it('no field name the schema knows, planted with a value that would matter, changes a decision or the loading', async () => {
    // The configuration as an application builds it: plain objects (parsed and checked before the pollution).
    const config = await plainSeed();
    const clean = await decisions(config);
    for (const decision of clean) expect(typeof decision).toBe('object');
    const keys = [...schemaKeys(configSchemas().config)].sort();
    expect(keys).toEqual(expect.arrayContaining(['enabled', 'require_local_for_pii', 'allow_cloud_models', 'force_local_models', 'local_only_levels']));
    const changed: string[] = [];
    for (const key of keys) {
      for (const value of [false, true, 0, 1_000_000, 'local', []]) {
        const seen = await polluted(key, value, () => decisions(config).catch((error: Error) => [`createRouter threw: ${error.message}`]));
        if (JSON.stringify(seen) !== JSON.stringify(clean)) changed.push(`${key} = ${JSON.stringify(value)}`);
      }
    }
    expect(changed).toEqual([]);
  });

  it('the seed keeps PII local when the prototype disables global rules and the PII requirement together', async () => {
    const config = await plainSeed();
    const proto = Object.prototype as Record<string, unknown>;
    Object.assign(proto, { enabled: false, require_local_for_pii: false, local_only_levels: [] });
    try {
      const router = createRouter(config, { logger: {} });
      const decision = await router.explain('cto_agent', { complexity: 9, prompt: SSN });
      expect(decision.modelType).toBe('local');
      expect(decision.localOnly).toBe(true);
    } finally {
      for (const key of ['enabled', 'require_local_for_pii', 'local_only_levels']) delete proto[key];
    }
  });
});
