// Thompson sampling for adaptive experiments, as probability matching: each variant's feedback
// (values 0..1) is a Beta posterior; the share of traffic a variant gets is the probability that it
// is the best, estimated by drawing from every posterior, then lifted so that no variant falls
// below the minimum share. Tasks are then placed in the shares by their stable hash, so a decision
// stays a pure function of its inputs and the shares in force.

/** A seeded source of uniform numbers in [0, 1): mulberry32. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** What one variant has been told: how many outcomes and their sum (each 0..1). */
export interface VariantEvidence {
  count: number;
  sum: number;
}

/** Draws per estimate of the shares; enough for a share to be within about ±1% of its value. */
const THOMPSON_DRAWS = 2000;

/**
 * The share of traffic of each variant: the probability that its posterior draw is the highest,
 * then `minShare + (1 - n·minShare) · p`, so every variant keeps at least `minShare`.
 */
export function thompsonShares(evidence: readonly VariantEvidence[], minShare: number, source: () => number): number[] {
  const draws = THOMPSON_DRAWS;
  // A host's source may return anything, or throw: what is not a number in [0, 1) counts as one half.
  const random = () => {
    let r: number;
    try {
      r = source();
    } catch {
      return 0.5;
    }
    return r >= 0 && r < 1 ? r : 0.5;
  };
  const n = evidence.length;
  const wins = new Array<number>(n).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -1;
    for (let i = 0; i < n; i++) {
      const { count, sum } = evidence[i]!;
      const value = betaSample(1 + sum, 1 + count - sum, random);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    wins[best]!++;
  }
  const free = Math.max(0, 1 - n * minShare);
  return wins.map((won) => minShare + (free * won) / draws);
}

/** The upper end of each share in 0..1, in order (the last is exactly 1). */
export function cumulative(shares: readonly number[]): number[] {
  const total = shares.reduce((sum, share) => sum + share, 0);
  let running = 0;
  return shares.map((share, index) => {
    running += share;
    return index === shares.length - 1 ? 1 : running / total;
  });
}

/** A Beta(a, b) draw from two Gamma draws. */
function betaSample(a: number, b: number, random: () => number): number {
  const x = gammaSample(a, random);
  const y = gammaSample(b, random);
  return x / (x + y);
}

/** Marsaglia and Tsang's method; `shape` is at least 1 here (1 plus the evidence). */
function gammaSample(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // Accepted within a few rounds for any fair source; a degenerate one (a host's) gets the mode.
  for (let round = 0; round < 64; round++) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
  return d;
}

/** A standard normal draw (Box–Muller); `1 - u` keeps the logarithm finite when the source returns 0. */
function normalSample(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
