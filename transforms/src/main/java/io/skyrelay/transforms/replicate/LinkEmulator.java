package io.skyrelay.transforms.replicate;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emulated network links between region labels, for experiments on one machine: a stream read from
 * a store in region A and written to one in region B is slowed to the link's rate (and to A's total
 * egress rate, where one is set). The limits are shared by every stream of this JVM, as a link is
 * shared by every connection over it.
 */
public final class LinkEmulator {

  /** Bursts up to this long at the full rate are allowed after an idle spell. */
  private static final long BURST_NANOS = 50_000_000L;

  private static final int SLICE = 64 * 1024;

  private static final Map<String, Bucket> BUCKETS = new ConcurrentHashMap<>();

  private LinkEmulator() {}

  /**
   * {@code in}, slowed to the rates {@code links} gives for {@code from>to} and {@code from>*};
   * {@code in} itself when neither is set.
   */
  public static InputStream throttle(
      InputStream in, String from, String to, Map<String, Double> links) {
    if (links.isEmpty() || from == null || to == null || from.equals(to)) {
      return in;
    }
    Bucket link = bucket(from + ">" + to, links);
    Bucket egress = bucket(from + ">*", links);
    if (link == null && egress == null) {
      return in;
    }
    return new Throttled(in, link, egress);
  }

  private static Bucket bucket(String key, Map<String, Double> links) {
    Double rate = links.get(key);
    if (rate == null || !(rate > 0)) {
      return null;
    }
    Bucket b = BUCKETS.computeIfAbsent(key, k -> new Bucket(rate));
    b.setRate(rate);
    return b;
  }

  /** A leaky bucket on a virtual clock: each read reserves its bytes' time on the link. */
  static final class Bucket {
    private double nanosPerByte;
    private long next = System.nanoTime();

    Bucket(double bytesPerSecond) {
      setRate(bytesPerSecond);
    }

    synchronized void setRate(double bytesPerSecond) {
      nanosPerByte = 1e9 / bytesPerSecond;
    }

    /** Reserves {@code n} bytes; returns how long the caller must wait, in nanoseconds. */
    synchronized long reserve(int n) {
      long now = System.nanoTime();
      if (next < now - BURST_NANOS) {
        next = now - BURST_NANOS;
      }
      next += (long) (n * nanosPerByte);
      return next - now;
    }
  }

  private static final class Throttled extends FilterInputStream {
    private final Bucket link;
    private final Bucket egress;

    Throttled(InputStream in, Bucket link, Bucket egress) {
      super(in);
      this.link = link;
      this.egress = egress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        pace(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, Math.min(len, SLICE));
      if (n > 0) {
        pace(n);
      }
      return n;
    }

    private void pace(int n) throws IOException {
      long wait = 0;
      if (link != null) {
        wait = Math.max(wait, link.reserve(n));
      }
      if (egress != null) {
        wait = Math.max(wait, egress.reserve(n));
      }
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while emulating a link");
        }
      }
    }
  }
}
