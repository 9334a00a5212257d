package io.skyrelay.replay;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** How far a replay got, readable from another thread (the progress bar). */
public final class ReplayProgress {

  private volatile long totalBytes;
  private volatile long bytesRead;
  private volatile long requests;

  public long totalBytes() {
    return totalBytes;
  }

  /** Bytes of the trace file read so far (compressed bytes for a gzip trace). */
  public long bytesRead() {
    return bytesRead;
  }

  public long requests() {
    return requests;
  }

  void total(long bytes) {
    totalBytes = bytes;
  }

  void requests(long n) {
    requests = n;
  }

  InputStream count(InputStream in) {
    return new FilterInputStream(in) {
      private long n;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead = ++n;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int k = super.read(buf, off, len);
        if (k > 0) {
          n += k;
          bytesRead = n;
        }
        return k;
      }
    };
  }
}
