// Estimates how many tokens a text is, for cost estimates, budget reservations and token rate windows.
// The default is the common rule of thumb of four characters per token; a host that needs exact
// counts plugs in its model's tokenizer behind the same interface.

export interface TokenEstimator {
  estimate(text: string): number;
}

/**
 * `ceil(length / charsPerToken)`, counting UTF-16 code units (what `string.length` gives: cheap,
 * and within the error of the rule itself).
 */
export function createCharsPerTokenEstimator(charsPerToken = 4): TokenEstimator {
  if (!Number.isFinite(charsPerToken) || charsPerToken <= 0) {
    throw new RangeError(`charsPerToken must be a positive finite number, got ${String(charsPerToken)}`);
  }
  return {
    estimate(text: string): number {
      return text.length === 0 ? 0 : Math.ceil(text.length / charsPerToken);
    },
  };
}

/** ceil(chars / 4), the common rule of thumb; 0 for ''. */
export const charsPerTokenEstimator: TokenEstimator = createCharsPerTokenEstimator(4);
