// A sliding one-minute window of requests and tokens for one model, kept as 60 one-second buckets
// with running totals: recording is O(1) (amortised over at most 60 stale buckets), and so is
// reading the totals. Exact to the second, which is what provider rpm / tpm limits are counted in.

const BUCKETS = 60;
const BUCKET_MS = 1000;

export interface RateWindowUsage {
  requests: number;
  tokens: number;
}

export class RateWindow {
  private readonly requests = new Float64Array(BUCKETS);
  private readonly tokens = new Float64Array(BUCKETS);
  /** The second (epoch ms / 1000, floored) each bucket currently holds. */
  private readonly seconds = new Float64Array(BUCKETS).fill(-1);
  private requestTotal = 0;
  private tokenTotal = 0;
  /** The newest second seen; buckets older than `latest - 59` no longer count. */
  private latest = -1;

  /** Counts one request (and its tokens, if known) at `now`. */
  addRequest(now: number, tokens = 0): void {
    const bucket = this.bucketFor(now);
    this.requests[bucket]! += 1;
    this.requestTotal += 1;
    if (tokens) this.addTokensAt(bucket, tokens);
  }

  /** Adds (or, with a negative number, corrects) tokens counted at `now`. */
  addTokens(now: number, tokens: number): void {
    if (!tokens) return;
    this.addTokensAt(this.bucketFor(now), tokens);
  }

  usage(now: number): RateWindowUsage {
    this.advance(Math.floor(now / BUCKET_MS));
    return { requests: this.requestTotal, tokens: Math.max(0, this.tokenTotal) };
  }

  /**
   * When the window will hold fewer than `requestLimit` requests and `tokenLimit` tokens, as far
   * as what is recorded now goes (epoch ms); `now` if it already does.
   */
  freesUpAt(now: number, requestLimit: number | undefined, tokenLimit: number | undefined): number {
    const current = Math.floor(now / BUCKET_MS);
    this.advance(current);
    let requests = this.requestTotal;
    let tokens = this.tokenTotal;
    const over = () => (requestLimit !== undefined && requests >= requestLimit) || (tokenLimit !== undefined && tokens >= tokenLimit);
    if (!over()) return now;
    // Walk the buckets from the oldest second still counted; each expires 60 s after its second.
    for (let second = current - BUCKETS + 1; second <= current; second++) {
      const bucket = mod(second);
      if (this.seconds[bucket] !== second) continue;
      requests -= this.requests[bucket]!;
      tokens -= this.tokens[bucket]!;
      if (!over()) return (second + BUCKETS) * BUCKET_MS;
    }
    return (current + BUCKETS) * BUCKET_MS;
  }

  private addTokensAt(bucket: number, tokens: number): void {
    this.tokens[bucket]! += tokens;
    this.tokenTotal += tokens;
  }

  private bucketFor(now: number): number {
    const second = Math.floor(now / BUCKET_MS);
    this.advance(second);
    const bucket = mod(second);
    if (this.seconds[bucket] !== second) {
      // A late record for a second already expired from the window counts in the current bucket.
      const target = second < this.latest - BUCKETS + 1 ? this.latest : second;
      const targetBucket = mod(target);
      if (this.seconds[targetBucket] !== target) this.reset(targetBucket, target);
      return targetBucket;
    }
    return bucket;
  }

  private advance(second: number): void {
    if (second <= this.latest) return;
    const from = Math.max(this.latest + 1, second - BUCKETS + 1);
    for (let s = from; s <= second; s++) this.reset(mod(s), s);
    this.latest = second;
  }

  private reset(bucket: number, second: number): void {
    if (this.seconds[bucket] !== -1) {
      this.requestTotal -= this.requests[bucket]!;
      this.tokenTotal -= this.tokens[bucket]!;
    }
    this.requests[bucket] = 0;
    this.tokens[bucket] = 0;
    this.seconds[bucket] = second;
  }
}

function mod(second: number): number {
  return ((second % BUCKETS) + BUCKETS) % BUCKETS;
}
