package io.skyrelay.replay.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Read latencies in logarithmic buckets 1% wide, from 0.001 ms up: constant memory, mergeable, and
 * independent of the order latencies arrive in, so the Beam replay gives the same percentiles as
 * the in-process one. A percentile is reported as its bucket's upper edge (at most 1% high).
 */
public final class LatencyHistogram implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final double MIN_MS = 0.001;
  private static final double LOG_RATIO = Math.log(1.01);
  private static final int BUCKETS = 2600; // up to about 1.7e8 ms

  private final long[] counts = new long[BUCKETS];
  private long count;
  private double sumMs;

  public void add(double ms) {
    int b = ms <= MIN_MS ? 0 : (int) (Math.log(ms / MIN_MS) / LOG_RATIO) + 1;
    counts[Math.min(b, BUCKETS - 1)]++;
    count++;
    sumMs += ms;
  }

  public void addAll(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    sumMs += other.sumMs;
  }

  public long count() {
    return count;
  }

  public double meanMs() {
    return count == 0 ? Double.NaN : sumMs / count;
  }

  /** The latency {@code q} (0..1) of reads are at or below, or NaN when there were none. */
  public double quantileMs(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank && counts[i] > 0) {
        return MIN_MS * Math.pow(1.01, i);
      }
    }
    return MIN_MS * Math.pow(1.01, BUCKETS - 1);
  }

  void encode(DataOutputStream out) throws IOException {
    out.writeLong(count);
    out.writeDouble(sumMs);
    int nonZero = 0;
    for (long c : counts) {
      nonZero += c == 0 ? 0 : 1;
    }
    out.writeInt(nonZero);
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] != 0) {
        out.writeShort(i);
        out.writeLong(counts[i]);
      }
    }
  }

  void decode(DataInputStream in) throws IOException {
    Arrays.fill(counts, 0);
    count = in.readLong();
    sumMs = in.readDouble();
    int nonZero = in.readInt();
    for (int k = 0; k < nonZero; k++) {
      int i = in.readShort();
      counts[i] = in.readLong();
    }
  }
}
