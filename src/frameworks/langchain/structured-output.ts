// `withStructuredOutput` over the router's `responseFormat`: the schema (zod, a standard schema or
// JSON Schema) goes into the request as a JSON schema, so routing requires a model with JSON-schema
// output, and the answer's text is parsed (and validated, for zod) by LangChain's own parsers.
import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from '@langchain/core/language_models/base';
import { assembleStructuredOutputPipeline, createContentParser } from '@langchain/core/language_models/structured_output';
import type { BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { isSerializableSchema } from '@langchain/core/utils/standard_schema';
import { getSchemaDescription, isInteropZodSchema } from '@langchain/core/utils/types';
import type { ResponseFormat } from '../../request/types.js';

type AnySchema = Parameters<typeof createContentParser>[0];

/** A model that takes the router's `responseFormat` as a call option. */
interface FormatBindable {
  withConfig(config: { responseFormat: ResponseFormat }): Runnable<BaseLanguageModelInput, BaseMessage>;
}

/** The `responseFormat` a schema asks for; `jsonMode` asks for JSON without a schema. */
export function responseFormatFor(schema: AnySchema, config: StructuredOutputMethodOptions<boolean> | undefined): ResponseFormat {
  if (config?.method === 'jsonMode') return { type: 'json' };
  const jsonSchema = (isInteropZodSchema(schema) || isSerializableSchema(schema) ? toJsonSchema(schema) : schema) as Record<string, unknown>;
  const description = getSchemaDescription(schema as Parameters<typeof getSchemaDescription>[0]);
  return {
    type: 'json',
    schema: jsonSchema,
    name: config?.name ?? nameOf(jsonSchema),
    ...(description !== undefined ? { description } : {}),
  };
}

/** The model bound to the format, piped into the parser; with `includeRaw`, `{ raw, parsed }`. */
export function structuredOutput<RunOutput extends Record<string, unknown>>(
  model: FormatBindable,
  schema: AnySchema,
  config: StructuredOutputMethodOptions<boolean> | undefined,
): Runnable<BaseLanguageModelInput, RunOutput> | Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }> {
  const llm = model.withConfig({ responseFormat: responseFormatFor(schema, config) });
  const parser = createContentParser<RunOutput>(schema);
  const includeRaw = config?.includeRaw === true;
  return assembleStructuredOutputPipeline<RunOutput>(llm, parser, includeRaw, includeRaw ? 'StructuredOutputRunnable' : 'StructuredOutput');
}

/** A schema's `title` as a name providers accept (letters, digits, `_`, `-`), else `extract`. */
function nameOf(schema: Record<string, unknown>): string {
  const title = typeof schema['title'] === 'string' ? schema['title'].replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) : '';
  return title !== '' ? title : 'extract';
}
