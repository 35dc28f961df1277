// The two AI SDK majors the router model must work with, behind one small interface, so each test
// runs the same agent loop on `ai` 7 and on `ai` 6 (installed as `ai6`): `generateText` and
// `streamText` with a weather tool that has an `execute`, stopping after at most three steps.
import * as ai7 from 'ai';
import * as ai6 from 'ai6';
import { z } from 'zod';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { RouterCallMetadata } from 'llm-agent-router/ai-sdk';

export interface StepSummary {
  /** `response.modelId`: the router model that served the step. */
  modelId: string;
  finishReason: string;
  router: RouterCallMetadata;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

export interface LoopRun {
  text: string;
  steps: StepSummary[];
  /** The inputs the tool was called with. */
  toolInputs: unknown[];
}

export interface StreamRun {
  /** Every part type of `fullStream`, in order. */
  parts: string[];
  /** The errors of `error` parts. */
  errors: unknown[];
  /** Set when the stream completed (not aborted): the loop's result. */
  run?: LoopRun;
}

export interface LoopOptions {
  prompt?: string;
  /** What the weather tool returns. */
  toolResult?: unknown;
  abortSignal?: AbortSignal;
  /** Called on each text delta of a stream (e.g. to abort mid-answer). */
  onTextDelta?: (text: string) => void;
  /** Receives `onAbort` (ai@7) — the SDK's own word that the call ended as an abort. */
  onAbort?: () => void;
}

export interface SdkUnderTest {
  name: string;
  generate(model: LanguageModelV3, options?: LoopOptions): Promise<LoopRun>;
  stream(model: LanguageModelV3, options?: LoopOptions): Promise<StreamRun>;
}

const QUESTION = 'What is the weather in Paris?';
const weatherInput = z.object({ city: z.string() });

interface StepLike {
  response: { modelId: string };
  finishReason: string;
  providerMetadata?: Record<string, unknown> | undefined;
  usage: { inputTokens?: number | undefined; outputTokens?: number | undefined };
}

function summarize(steps: readonly StepLike[]): StepSummary[] {
  return steps.map((step) => ({
    modelId: step.response.modelId,
    finishReason: step.finishReason,
    router: step.providerMetadata?.['router'] as RouterCallMetadata,
    inputTokens: step.usage.inputTokens,
    outputTokens: step.usage.outputTokens,
  }));
}

async function drain(fullStream: AsyncIterable<{ type: string; text?: string; error?: unknown }>, options: LoopOptions): Promise<Omit<StreamRun, 'run'>> {
  const parts: string[] = [];
  const errors: unknown[] = [];
  for await (const part of fullStream) {
    parts.push(part.type);
    if (part.type === 'error') errors.push(part.error);
    if (part.type === 'text-delta') options.onTextDelta?.(part.text ?? '');
  }
  return { parts, errors };
}

/** `ai` 7. */
export const AI7: SdkUnderTest = {
  name: 'ai@7',
  async generate(model, options = {}) {
    const toolInputs: unknown[] = [];
    const result = await ai7.generateText({
      model,
      prompt: options.prompt ?? QUESTION,
      tools: { weather: ai7.tool({ description: 'The current weather in a city.', inputSchema: weatherInput, execute: async (input) => (toolInputs.push(input), options.toolResult ?? {}) }) },
      stopWhen: ai7.stepCountIs(3),
      maxRetries: 0,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    return { text: result.text, steps: summarize(result.steps as unknown as StepLike[]), toolInputs };
  },
  async stream(model, options = {}) {
    const toolInputs: unknown[] = [];
    const result = ai7.streamText({
      model,
      prompt: options.prompt ?? QUESTION,
      tools: { weather: ai7.tool({ description: 'The current weather in a city.', inputSchema: weatherInput, execute: async (input) => (toolInputs.push(input), options.toolResult ?? {}) }) },
      stopWhen: ai7.stepCountIs(3),
      maxRetries: 0,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      onAbort: () => options.onAbort?.(),
      onError: () => {},
    });
    const drained = await drain(result.fullStream as AsyncIterable<{ type: string }>, options);
    if (drained.parts.includes('abort') || drained.errors.length > 0) return drained;
    return { ...drained, run: { text: await result.text, steps: summarize((await result.steps) as unknown as StepLike[]), toolInputs } };
  },
};

/**
 * `ai` 6. The cast: this repository has `@ai-sdk/provider` 4 at the top (for `ai` 7) and 3 under
 * `ai6`, and their JSON types differ in `readonly`; in an `ai` 6 project both are the same package.
 */
const forAi6 = (model: LanguageModelV3) => model as unknown as ai6.LanguageModel;

export const AI6: SdkUnderTest = {
  name: 'ai@6',
  async generate(model, options = {}) {
    const toolInputs: unknown[] = [];
    const result = await ai6.generateText({
      model: forAi6(model),
      prompt: options.prompt ?? QUESTION,
      tools: { weather: ai6.tool({ description: 'The current weather in a city.', inputSchema: weatherInput, execute: async (input) => (toolInputs.push(input), options.toolResult ?? {}) }) },
      stopWhen: ai6.stepCountIs(3),
      maxRetries: 0,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    return { text: result.text, steps: summarize(result.steps as unknown as StepLike[]), toolInputs };
  },
  async stream(model, options = {}) {
    const toolInputs: unknown[] = [];
    const result = ai6.streamText({
      model: forAi6(model),
      prompt: options.prompt ?? QUESTION,
      tools: { weather: ai6.tool({ description: 'The current weather in a city.', inputSchema: weatherInput, execute: async (input) => (toolInputs.push(input), options.toolResult ?? {}) }) },
      stopWhen: ai6.stepCountIs(3),
      maxRetries: 0,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      onAbort: () => options.onAbort?.(),
      onError: () => {},
    });
    const drained = await drain(result.fullStream as AsyncIterable<{ type: string }>, options);
    if (drained.parts.includes('abort') || drained.errors.length > 0) return drained;
    return { ...drained, run: { text: await result.text, steps: summarize((await result.steps) as unknown as StepLike[]), toolInputs } };
  },
};

export const SDKS: readonly SdkUnderTest[] = [AI7, AI6];
