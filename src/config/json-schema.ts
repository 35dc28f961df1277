// JSON Schemas for editors, generated from the zod schemas (never written by hand), one per YAML
// file, each wrapping the file's top-level key. `npx llm-agent-router schema --out schema` writes them.
import { z } from 'zod';
import { strictSchemas } from './schema.js';

export type ConfigFileKind = 'models' | 'agents' | 'routing' | 'environment';

const DESCRIPTIONS: Record<ConfigFileKind, string> = {
  models: 'llm-agent-router models.yaml: the model registry (provider, type, capabilities, prices, rate limits).',
  agents: 'llm-agent-router agents.yaml: per-agent model preferences, routing rules and required capabilities.',
  routing: 'llm-agent-router routing.yaml: strategies, global rules, routing factors and defaults.',
  environment: 'llm-agent-router environments/<name>.yaml: an overlay merged over the base files.',
};

function toSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The JSON Schema of each configuration file. */
export function configJsonSchemas(): Record<ConfigFileKind, Record<string, unknown>> {
  const wrap = (kind: ConfigFileKind, properties: Record<string, unknown>, required: string[]) => ({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `llm-agent-router/${kind}.schema.json`,
    title: `llm-agent-router ${kind === 'environment' ? 'environment overlay' : `${kind}.yaml`}`,
    description: DESCRIPTIONS[kind],
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  });
  const models = toSchema(z.record(z.string(), strictSchemas.model));
  const agents = toSchema(z.record(z.string(), strictSchemas.agent));
  const routing = toSchema(strictSchemas.routing);
  return {
    models: wrap('models', { models }, ['models']),
    agents: wrap('agents', { agents }, ['agents']),
    routing: wrap('routing', { routing }, ['routing']),
    // An overlay may change any part; required keys of the base files are optional here.
    environment: wrap(
      'environment',
      {
        models: toSchema(z.record(z.string(), strictSchemas.model.partial())),
        agents: toSchema(z.record(z.string(), strictSchemas.agent.partial())),
        routing: toSchema(strictSchemas.routing.partial()),
      },
      [],
    ),
  };
}
