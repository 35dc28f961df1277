// Cloud verification (the seed's `quality_assurance`): after a local model answered critical work,
// the decision's cloud verifier is asked to check the answer, through the same attempt pipeline.
// The decision names a verifier only when no privacy constraint forbids the cloud.
import type { ResultPart } from '../request/types.js';
import { microsToUsd } from '../state/cost-ledger.js';
import { completeOn } from './attempt-pipeline.js';
import type { CallContext } from './call-context.js';
import { textOf } from './completion-result.js';
import type { VerificationResult } from './types.js';

const VERIFY_SYSTEM =
  'You verify answers written by another model. If the answer to the conversation above is correct and complete, reply with VERIFIED on the first line. Otherwise reply with ISSUES on the first line, then list each problem.';

export async function verifyAnswer(call: CallContext, answer: readonly ResultPart[]): Promise<VerificationResult> {
  const verification = call.decision.verification!;
  const model = call.deps.compiled.models.get(verification.modelId)!;
  const { request } = call;
  const verifyCall: CallContext = {
    ...call,
    request: {
      // The conversation as it was (its system prompt kept as a message), the answer, and the ask.
      ...(request.tools ? { tools: request.tools, toolChoice: 'none' as const } : {}),
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
      system: VERIFY_SYSTEM,
      messages: [
        ...(request.system !== undefined ? [{ role: 'system' as const, content: request.system }] : []),
        ...request.messages,
        { role: 'assistant', content: [{ type: 'text', text: describeAnswer(answer) }] },
        { role: 'user', content: [{ type: 'text', text: 'Verify the answer above.' }] },
      ],
    },
  };
  // The answer was never scanned: it may carry personal data the local model wrote. Nothing with
  // PII leaves for the cloud, a verifier included.
  const privacy = call.deps.privacyReasonOf(verifyCall.request);
  if (privacy !== undefined) return { modelId: model.id, reason: verification.reason, verdict: 'skipped', costUsd: 0, error: new Error(`verification skipped: ${privacy}`) };
  const outcome = await completeOn(verifyCall, model);
  if (!outcome.ok) {
    if (outcome.fatal) throw outcome.fatal;
    return { modelId: model.id, reason: verification.reason, verdict: 'failed', costUsd: 0, error: call.attempts[call.attempts.length - 1]?.error };
  }
  const text = textOf(outcome.value.response.content);
  return {
    modelId: model.id,
    reason: verification.reason,
    verdict: /^\s*VERIFIED\b/i.test(text) ? 'verified' : 'issues',
    text,
    usage: outcome.value.response.usage,
    costUsd: microsToUsd(outcome.value.costMicros),
  };
}

/** The answer as text: tool calls the model asked for are described, not replayed (they have no results). */
function describeAnswer(answer: readonly ResultPart[]): string {
  const lines: string[] = [];
  const text = textOf(answer);
  if (text) lines.push(text);
  for (const part of answer) {
    if (part.type === 'tool-call') lines.push(`[calls tool ${part.toolName} with ${JSON.stringify(part.input)}]`);
  }
  return lines.join('\n') || '(no answer)';
}
