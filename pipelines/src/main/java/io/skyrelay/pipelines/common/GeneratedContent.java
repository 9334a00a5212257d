package io.skyrelay.pipelines.common;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random bytes, generated as they are read (never all in memory): the same
 * seed and length always give the same content. Used by the demo, the load generator and live trace
 * replay to write objects of any size.
 */
public final class GeneratedContent extends InputStream {

  private final SplittableRandom random;
  private long remaining;

  public GeneratedContent(long seed, long length) {
    this.random = new SplittableRandom(seed);
    this.remaining = length;
  }

  @Override
  public int read() {
    if (remaining <= 0) {
      return -1;
    }
    remaining--;
    return random.nextInt(256);
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining <= 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    int i = 0;
    while (i + 8 <= n) {
      long v = random.nextLong();
      for (int k = 0; k < 8; k++) {
        b[off + i++] = (byte) (v >>> (8 * k));
      }
    }
    while (i < n) {
      b[off + i++] = (byte) random.nextInt(256);
    }
    remaining -= n;
    return n;
  }
}
