package io.skyrelay.transforms.sync;

import java.util.Arrays;

/**
 * Replication lags of events applied in this JVM (the embedded runners), for benchmarks and the
 * load generator's report: percentiles need every sample, which Beam's distribution metric (min,
 * max, mean, count) does not keep.
 */
public final class LagRecorder {

  private static long[] samples = new long[1 << 16];
  private static int count;

  private LagRecorder() {}

  static synchronized void record(long lagMillis) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = lagMillis;
  }

  public static synchronized void reset() {
    count = 0;
  }

  public static synchronized int count() {
    return count;
  }

  /** The {@code p}-th percentile (0..100) of the recorded lags, or -1 without samples. */
  public static synchronized long percentile(double p) {
    if (count == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, i))];
  }
}
