package io.skyrelay.transforms.placement;

/**
 * TTLs learned per region pair (source of the replica, reading region) from the gaps between
 * consecutive reads of the same object in the reading region. Gaps go into buckets doubling in
 * width from one second; every {@link #RECOMPUTE_EVERY} new gaps the pair's TTL becomes the bucket
 * edge T that minimises, over the gaps seen, what a TTL of T would have cost per GB: storage for
 * the gap when it is at most T, else storage for T plus fetching again. Until a pair has {@link
 * #MIN_SAMPLES} gaps it uses the break-even TTL. Not thread-safe: a caller on several threads
 * serialises its calls.
 */
public final class AdaptiveTtl {

  static final int BUCKETS = 40;
  static final int MIN_SAMPLES = 8;
  static final int RECOMPUTE_EVERY = 16;

  private final CostModel model;
  private final int n;
  private final long[] counts;
  private final double[] sums;
  private final long[] total;
  private final long[] sinceRecompute;
  private final long[] ttl;

  public AdaptiveTtl(CostModel model) {
    this.model = model;
    this.n = model.regions();
    counts = new long[n * n * BUCKETS];
    sums = new double[n * n * BUCKETS];
    total = new long[n * n];
    sinceRecompute = new long[n * n];
    ttl = new long[n * n];
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < n; d++) {
        ttl[s * n + d] = s == d ? 0 : model.breakEvenMs(s, d);
      }
    }
  }

  static int bucket(long gapMs) {
    if (gapMs < 1000) {
      return 0;
    }
    return Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(gapMs / 1000));
  }

  /** Upper edge of a bucket, ms. */
  static long edge(int bucket) {
    return 1000L << bucket;
  }

  /**
   * Records a gap between two reads in {@code dst} of an object whose copy comes from {@code src}.
   */
  public void observe(int src, int dst, long gapMs) {
    int pair = src * n + dst;
    int b = bucket(gapMs);
    counts[pair * BUCKETS + b]++;
    sums[pair * BUCKETS + b] += gapMs;
    total[pair]++;
    if (total[pair] >= MIN_SAMPLES && ++sinceRecompute[pair] >= RECOMPUTE_EVERY) {
      sinceRecompute[pair] = 0;
      ttl[pair] = best(pair, src, dst);
    }
  }

  private long best(int pair, int src, int dst) {
    double storagePerMs = model.storageUsdPerGbHour(dst) / 3_600_000.0;
    double egress = model.egressUsdPerGb(src, dst);
    int base = pair * BUCKETS;
    // T = 0: every read after a gap fetches again.
    double bestCost = total[pair] * egress;
    long bestTtl = 0;
    double heldBelow = 0;
    long countBelow = 0;
    for (int k = 0; k < BUCKETS; k++) {
      heldBelow += sums[base + k] * storagePerMs;
      countBelow += counts[base + k];
      long t = edge(k);
      double cost = heldBelow + (total[pair] - countBelow) * (storagePerMs * t + egress);
      if (cost < bestCost) {
        bestCost = cost;
        bestTtl = t;
      }
    }
    return bestTtl;
  }

  /** The TTL of a copy in {@code dst} pulled from {@code src}, ms. */
  public long ttl(int src, int dst) {
    return ttl[src * n + dst];
  }
}
