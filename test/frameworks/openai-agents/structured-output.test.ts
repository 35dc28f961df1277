// Structured output: an agent's `outputType` (a zod schema, or a JSON schema definition) becomes the
// request's JSON response format on whichever provider serves, and the final output arrives parsed.
import { Agent, setTracingDisabled, type JsonSchemaDefinition } from '@openai/agents-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { bodyOf, setup } from './agents-setup.js';

const server = useWireServer();
beforeAll(() => setTracingDisabled(true));

const REPORT_TEXT = '{"city":"Paris","temperature":18}';
const REPORT_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, temperature: { type: 'number' } },
  required: ['city', 'temperature'],
  additionalProperties: false,
};

describe('outputType', () => {
  it('a zod schema: sent as response_format json_schema, the final output parsed and typed', async () => {
    const { runner } = setup(server);
    server.enqueue(openaiWire.completion(REPORT_TEXT));
    const agent = new Agent({
      name: 'Reporter',
      instructions: 'Report the weather.',
      model: 'assistant',
      outputType: z.object({ city: z.string(), temperature: z.number() }),
    });

    const result = await runner.run(agent, 'Weather in Paris?');

    expect(result.finalOutput).toEqual({ city: 'Paris', temperature: 18 });
    expect(result.finalOutput?.temperature).toBe(18);
    expect(bodyOf(server.requests[0]!).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...REPORT_SCHEMA }, strict: false },
    });
  });

  it('a JSON schema definition, served by Anthropic after a fallback: output_config carries it, the output arrives parsed', async () => {
    const { runner } = setup(server);
    server.enqueue(openaiWire.error(500, 'down'), anthropicWire.message(REPORT_TEXT));
    const outputType: JsonSchemaDefinition = { type: 'json_schema', name: 'weather_report', strict: true, schema: REPORT_SCHEMA as JsonSchemaDefinition['schema'] };
    const agent = new Agent({ name: 'Reporter', instructions: 'Report the weather.', model: 'assistant', outputType });

    const result = await runner.run(agent, 'Weather in Paris?');

    expect(result.finalOutput).toEqual({ city: 'Paris', temperature: 18 });
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
    expect(bodyOf(server.requests[0]!).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'weather_report', schema: REPORT_SCHEMA, strict: false } });
    expect(server.requests[1]!.body).toMatchObject({ output_config: { format: { type: 'json_schema', schema: REPORT_SCHEMA } } });
  });

  it('an answer that does not match the schema fails the run the SDK way (ModelBehaviorError)', async () => {
    const { runner } = setup(server);
    server.enqueue(openaiWire.completion('{"city":"Paris"}'));
    const agent = new Agent({ name: 'Reporter', model: 'assistant', outputType: z.object({ city: z.string(), temperature: z.number() }) });
    const error = await runner.run(agent, 'Weather in Paris?').catch((e: unknown) => e);
    expect((error as Error).name).toBe('ModelBehaviorError');
  });
});
