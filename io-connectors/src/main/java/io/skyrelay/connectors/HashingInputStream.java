package io.skyrelay.connectors;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A stream that computes the MD5 of the bytes read through it, and counts them.
 *
 * <p>Wrapping is shared: {@link #of} returns the stream it is given when that already is a {@code
 * HashingInputStream} nothing has been read from. A copier that hashes what it sends and a
 * connector that hashes what it stores (local disk records the MD5 as the object's ETag) then
 * compute one digest of the same bytes, and neither has to be told whether the other hashes: the
 * copier always knows the MD5 of exactly what it handed over, whatever the destination does.
 */
public final class HashingInputStream extends FilterInputStream {

  private final MessageDigest md5 = Digests.md5();
  private long count;
  private String hex;
  private long hexAt = -1;
  private boolean finished;

  private HashingInputStream(InputStream in) {
    super(in);
  }

  /** {@code in} itself when it is a fresh {@code HashingInputStream}, else {@code in} wrapped. */
  public static HashingInputStream of(InputStream in) {
    if (in instanceof HashingInputStream h && h.count == 0 && !h.finished) {
      return h;
    }
    return new HashingInputStream(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      update(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      update(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes would be missing from the digest: read them through it instead.
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("a hashing stream cannot be reset");
  }

  private void update(byte[] b, int off, int len) {
    if (finished) {
      throw new IllegalStateException("bytes read after the MD5 of the stream was taken");
    }
    md5.update(b, off, len);
    count += len;
  }

  /** Bytes read through this stream so far. */
  public long count() {
    return count;
  }

  /** The hex MD5 of the bytes read so far; asking again without reading more gives the same. */
  public String md5Hex() {
    if (hexAt == count) {
      return hex;
    }
    byte[] digest;
    try {
      digest = ((MessageDigest) md5.clone()).digest();
    } catch (CloneNotSupportedException e) {
      digest = md5.digest(); // the digest is spent: no byte may be read after this
      finished = true;
    }
    hex = HexFormat.of().formatHex(digest);
    hexAt = count;
    return hex;
  }
}
