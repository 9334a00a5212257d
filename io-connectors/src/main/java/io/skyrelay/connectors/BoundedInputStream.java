package io.skyrelay.connectors;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads at most {@code limit} bytes of another stream: a ranged read that must not run past its
 * range, or one part cut from a longer stream.
 */
public final class BoundedInputStream extends InputStream {

  private final InputStream in;
  private final boolean closeUnderlying;
  private long remaining;

  private BoundedInputStream(InputStream in, long limit, boolean closeUnderlying) {
    this.in = in;
    this.remaining = limit;
    this.closeUnderlying = closeUnderlying;
  }

  /** The first {@code limit} bytes of {@code in}; closing it closes {@code in}. */
  public static InputStream of(InputStream in, long limit) {
    return new BoundedInputStream(in, limit, true);
  }

  /**
   * The next {@code limit} bytes of {@code in}, leaving {@code in} open for the bytes after them.
   */
  public static InputStream slice(InputStream in, long limit) {
    return new BoundedInputStream(in, limit, false);
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(buf, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closeUnderlying) {
      in.close();
    }
  }
}
