package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.pipelines.sync.LoadGenerator.SizeDistribution;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The load generator's object sizes stay in bounds and have the shape each distribution names. */
class LoadGeneratorSizesTest {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private static long[] draw(SizeDistribution d, int n) {
    SplittableRandom r = new SplittableRandom(42);
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = d.draw(r, KIB, MIB);
      assertTrue(sizes[i] >= KIB && sizes[i] <= MIB, d + " drew " + sizes[i]);
    }
    Arrays.sort(sizes);
    return sizes;
  }

  @Test
  void uniformSizesAverageHalfwayAndLogUniformOnesAreMostlySmall() {
    int n = 100_000;
    long[] uniform = draw(SizeDistribution.UNIFORM, n);
    long[] log = draw(SizeDistribution.LOG_UNIFORM, n);
    double uniformMean = Arrays.stream(uniform).average().orElseThrow();
    double logMean = Arrays.stream(log).average().orElseThrow();
    assertEquals(512.5 * KIB, uniformMean, 5 * KIB);
    // every power of two between 1 KiB and 1 MiB equally likely: median 32 KiB, mean about
    // (1 MiB - 1 KiB) / ln(1024) = 147.6 KiB
    assertEquals(32 * KIB, log[n / 2], 2 * KIB);
    assertEquals(147.6 * KIB, logMean, 3 * KIB);
    long under64k = Arrays.stream(log).filter(s -> s < 64 * KIB).count();
    assertEquals(0.6, under64k / (double) n, 0.01);
  }

  @Test
  void anUnknownDistributionIsRefusedWithTheChoices() {
    assertEquals(SizeDistribution.LOG_UNIFORM, LoadGenCommand.sizeDistribution("log-uniform"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LoadGenCommand.sizeDistribution("normal"));
    assertTrue(e.getMessage().contains("uniform or log-uniform"), e.getMessage());
  }
}
