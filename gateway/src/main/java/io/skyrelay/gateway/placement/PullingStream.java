package io.skyrelay.gateway.placement;

import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PulledCopies;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a read served from another region, teed into a local copy: the bytes go to the client
 * as they come and, beside, into a spool file. When the client has had every byte, the spool is
 * stored in the reader's region under the copy's physical key, checked (size and MD5 against the
 * version's), and the pending copy recorded ready. A read that ends early or fails, or bytes that
 * do not match, leave nothing: the spool and any stored bytes are removed and the pending copy
 * forgotten.
 */
final class PullingStream extends FilterInputStream {

  private static final Logger LOG = LoggerFactory.getLogger(PullingStream.class);

  private final ObjectVersion version;
  private final RegionStore here;
  private final String physicalKey;
  private final PulledCopies pulled;
  private final Clock clock;
  private final Executor storer;
  private final Runnable afterStored;
  private final Runnable onPut;
  private final MessageDigest md5 = Digests.md5();
  private Path spool;
  private OutputStream spoolOut;
  private long count;
  private boolean failed;
  private boolean closed;

  PullingStream(
      InputStream in,
      ObjectVersion version,
      RegionStore here,
      String physicalKey,
      PulledCopies pulled,
      Clock clock,
      Executor storer,
      Runnable onPut,
      Runnable afterStored) {
    super(in);
    this.version = version;
    this.here = here;
    this.physicalKey = physicalKey;
    this.pulled = pulled;
    this.clock = clock;
    this.storer = storer;
    this.afterStored = afterStored;
    this.onPut = onPut;
    try {
      spool = Files.createTempFile("skyrelay-pull-", ".part");
      spoolOut = Files.newOutputStream(spool);
    } catch (IOException e) {
      LOG.warn("cannot spool a copy for {}: {}", here.label(), e.toString());
      failed = true;
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    if (n > 0 && !failed) {
      md5.update(b, off, n);
      count += n;
      try {
        spoolOut.write(b, off, n);
      } catch (IOException e) {
        LOG.warn("spooling a copy for {} failed: {}", here.label(), e.toString());
        failed = true; // the client's read goes on; only the copy is given up
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    failed = true; // skipped bytes are not spooled: no copy
    return super.skip(n);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      super.close();
    } finally {
      boolean complete = !failed && count == version.size();
      try {
        if (spoolOut != null) {
          spoolOut.close();
        }
      } catch (IOException e) {
        complete = false;
      }
      if (complete) {
        String hex = HexFormat.of().formatHex(md5.digest());
        try {
          storer.execute(() -> store(hex));
        } catch (RejectedExecutionException e) {
          giveUp(false); // closing
        }
      } else {
        giveUp(false);
      }
    }
  }

  private void store(String receivedMd5) {
    boolean stored = false;
    try {
      if (version.md5() != null && !version.md5().equals(receivedMd5)) {
        throw new IllegalStateException("the bytes read do not match the version's MD5");
      }
      WriteResult w;
      try (InputStream in = Files.newInputStream(spool)) {
        w =
            here.store()
                .put(
                    physicalKey,
                    in,
                    version.size(),
                    PutOptions.of(version.contentType(), Map.of()));
      }
      stored = true;
      // Told before the copy is marked ready, so that a reader of the metrics who sees the copy
      // ready also sees its PUT counted.
      onPut.run();
      if (!(receivedMd5.equals(w.etag()) && w.size() == version.size())) {
        var info = here.store().head(physicalKey);
        if (info.size() != version.size()
            || (info.md5() != null && !info.md5().equals(receivedMd5))) {
          throw new IllegalStateException("the stored copy does not match the bytes read");
        }
      }
      if (!pulled.ready(version.versionId(), here.label(), clock.instant())) {
        // Overwritten or deleted meanwhile: what was just stored is obsolete.
        here.store().delete(physicalKey);
        return;
      }
      deleteSpool();
      afterStored.run();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{}/{}: no copy kept in {}: {}",
          version.bucket(),
          version.key(),
          here.label(),
          e.toString());
      giveUp(stored);
    } finally {
      deleteSpool();
    }
  }

  private void giveUp(boolean stored) {
    deleteSpool();
    try {
      if (stored) {
        here.store().delete(physicalKey);
      }
      pulled.abort(version.versionId(), here.label());
    } catch (RuntimeException e) {
      LOG.warn("cleaning up a copy in {}: {}", here.label(), e.toString());
    }
  }

  private void deleteSpool() {
    try {
      if (spool != null) {
        Files.deleteIfExists(spool);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove spool file {}: {}", spool, e.toString());
    }
  }
}
