package io.skyrelay.connectors;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A store whose streamed bytes, read from it or written to it, are slowed to one or more shared
 * {@link Rate}s; every other operation goes to the wrapped store unchanged. For experiments on one
 * machine, where a rate stands for a network link between regions: a {@link Rate} is shared by
 * every stream paced by it, as a link is shared by every connection over it.
 *
 * <p>Bytes that never pass through this process cannot be slowed, so this store offers neither
 * server-side copy nor part copy, whatever the wrapped store can do: a copy from or to it streams.
 * A connector asked whether it can copy server-side from this store answers no, as it does for any
 * store that is not its own kind.
 */
public final class ThrottledObjectStore extends ForwardingObjectStore {

  private static final int SLICE = 64 * 1024;

  private final List<Rate> rates;

  /**
   * {@code delegate}, with every stream read from it or written to it paced by all of {@code
   * rates}.
   */
  public ThrottledObjectStore(ObjectStore delegate, List<Rate> rates) {
    super(delegate);
    if (rates.isEmpty()) {
      throw new IllegalArgumentException("a throttled store needs at least one rate");
    }
    this.rates = List.copyOf(rates);
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return paced(delegate.read(key, range, ifMatch));
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    ObjectContent content = delegate.open(key, range, ifMatch);
    return new ObjectContent(content.info(), paced(content.stream()));
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    return delegate.put(key, paced(content), length, options);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return delegate.multipart().map(ThrottledUploads::new);
  }

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "throttled " + delegate;
  }

  private InputStream paced(InputStream in) {
    return new Paced(in, rates);
  }

  /** {@code in}, read no faster than every one of {@code rates} allows. */
  public static InputStream paced(InputStream in, List<Rate> rates) {
    return new Paced(in, List.copyOf(rates));
  }

  /** Multi-part uploads of the wrapped store, with each part's stream paced. */
  private final class ThrottledUploads implements MultipartUploads {
    private final MultipartUploads uploads;

    ThrottledUploads(MultipartUploads uploads) {
      this.uploads = uploads;
    }

    @Override
    public PartLimits partLimits() {
      return uploads.partLimits();
    }

    @Override
    public UploadHandle begin(String key, PutOptions options) {
      return uploads.begin(key, options);
    }

    @Override
    public CompletedPart uploadPart(
        UploadHandle upload, int partNumber, InputStream content, long length) {
      return uploads.uploadPart(upload, partNumber, paced(content), length);
    }

    @Override
    public boolean canCopyPartFrom(ObjectStore source) {
      return false;
    }

    @Override
    public CompletedPart copyPart(
        UploadHandle upload,
        int partNumber,
        ObjectStore source,
        String sourceKey,
        ByteRange range,
        String ifMatch) {
      throw new UnsupportedOperationException(
          "a throttled store copies no part server-side: the bytes must pass through its rate");
    }

    @Override
    public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
      return uploads.complete(upload, parts);
    }

    @Override
    public void abort(UploadHandle upload) {
      uploads.abort(upload);
    }

    @Override
    public List<UploadHandle> listPending(String prefix) {
      return uploads.listPending(prefix);
    }
  }

  /**
   * A byte rate shared by every stream paced by it: a leaky bucket on a virtual clock, where each
   * read or write reserves its bytes' time. After an idle spell, bursts up to {@link #BURST_NANOS}
   * long at the full rate are allowed.
   */
  public static final class Rate {
    static final long BURST_NANOS = 50_000_000L;

    private double nanosPerByte;
    private long next = System.nanoTime();

    public Rate(double bytesPerSecond) {
      set(bytesPerSecond);
    }

    /** Changes the rate; streams already paced by this one follow at once. */
    public synchronized void set(double bytesPerSecond) {
      if (!(bytesPerSecond > 0)) {
        throw new IllegalArgumentException("a rate must be positive, got " + bytesPerSecond);
      }
      nanosPerByte = 1e9 / bytesPerSecond;
    }

    /** The rate, in bytes per second. */
    public synchronized double bytesPerSecond() {
      return 1e9 / nanosPerByte;
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

  private static final class Paced extends FilterInputStream {
    private final List<Rate> rates;

    Paced(InputStream in, List<Rate> rates) {
      super(in);
      this.rates = rates;
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
      for (Rate r : rates) {
        wait = Math.max(wait, r.reserve(n));
      }
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while pacing a throttled stream");
        }
      }
    }
  }
}
