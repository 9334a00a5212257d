package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * An inclusive range of bytes {@code [first, last]}, as in HTTP {@code Range: bytes=first-last}.
 */
public record ByteRange(long first, long last) implements Serializable {

  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "byte range must satisfy 0 <= first <= last, got " + first + "-" + last);
    }
  }

  /** The range of {@code length} bytes starting at {@code offset}. */
  public static ByteRange ofLength(long offset, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("byte range length must be positive, got " + length);
    }
    return new ByteRange(offset, offset + length - 1);
  }

  public long length() {
    return last - first + 1;
  }

  /** The HTTP header value, {@code bytes=first-last}. */
  public String httpHeader() {
    return "bytes=" + first + "-" + last;
  }
}
