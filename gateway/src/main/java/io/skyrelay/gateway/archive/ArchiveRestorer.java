package io.skyrelay.gateway.archive;

import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.placement.RegionStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an archived object back into the hot tier while it is read: the bytes streamed to the
 * client are also streamed, through a bounded {@link ChunkPipe}, into the reader's region store as
 * a pending version (the same two-phase write as a PUT). Only when the client read every byte and
 * the stored copy has the archive's size and MD5 does the version become ready, and only if the key
 * still has no ready version (a write that came meanwhile wins). A read cut short, or a copy that
 * fails its checks, leaves nothing behind; a crash leaves a pending write that the next start rolls
 * back.
 */
public final class ArchiveRestorer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveRestorer.class);

  private final Namespace namespace;
  private final Map<String, RegionStore> regions;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "archive-restore");
            t.setDaemon(true);
            return t;
          });

  public ArchiveRestorer(Namespace namespace, Map<String, RegionStore> regions) {
    this.namespace = namespace;
    this.regions = Map.copyOf(regions);
  }

  /**
   * Wraps the stream of a whole archived object so that reading it to the end also restores it to
   * {@code region}.
   *
   * @param info the archived object (size, MD5, content type, user metadata)
   * @param etag the ETag the restored version keeps (the one clients were shown)
   * @return the stream to serve; {@code body} itself when no restore could be begun
   */
  public InputStream restoring(
      String bucket, String key, String region, ObjectInfo info, String etag, InputStream body) {
    RegionStore here = regions.get(region);
    ObjectVersion pending;
    try {
      pending = namespace.beginWrite(bucket, key, region, info.contentType(), info.metadata());
    } catch (RuntimeException e) {
      LOG.warn("{}/{}: not restored from the archive: {}", bucket, key, e.getMessage());
      return body;
    }
    ChunkPipe pipe = new ChunkPipe(16);
    executor.execute(() -> store(here, pending, info, etag, pipe));
    return new Tee(body, pipe, info.size());
  }

  private void store(
      RegionStore here, ObjectVersion pending, ObjectInfo info, String etag, ChunkPipe pipe) {
    String physicalKey = pending.copies().get(0).physicalKey();
    String where = pending.bucket() + "/" + pending.key();
    boolean stored = false;
    try {
      HashingInputStream hashed = HashingInputStream.of(pipe.input());
      WriteResult w =
          here.store()
              .put(physicalKey, hashed, info.size(), PutOptions.of(info.contentType(), Map.of()));
      stored = true;
      String md5 = hashed.md5Hex();
      if (hashed.count() != info.size()) {
        throw new IllegalStateException(
            "got " + hashed.count() + " bytes of " + info.size() + " from the archive");
      }
      if (info.md5() != null && !info.md5().equals(md5)) {
        throw new IllegalStateException("the bytes do not match the archive's MD5");
      }
      if (!(md5.equals(w.etag()) && w.size() == info.size())) {
        ObjectInfo copy = here.store().head(physicalKey);
        if (copy.size() != info.size() || (copy.md5() != null && !copy.md5().equals(md5))) {
          throw new IllegalStateException("the copy stored does not match the bytes read");
        }
      }
      if (namespace.commitIfAbsent(pending.versionId(), info.size(), etag, md5)) {
        LOG.info("{}: restored from the archive to region {}", where, here.label());
        return;
      }
      LOG.info("{}: written meanwhile; the copy restored from the archive is dropped", where);
      discard(here, pending, physicalKey, true);
    } catch (RuntimeException e) {
      LOG.warn("{}: not restored from the archive: {}", where, e.getMessage());
      discard(here, pending, physicalKey, stored);
    } finally {
      pipe.readerDone();
    }
  }

  private void discard(RegionStore here, ObjectVersion pending, String key, boolean stored) {
    try {
      if (stored) {
        here.store().delete(key);
      }
      namespace.abortWrite(pending.versionId());
    } catch (RuntimeException e) {
      LOG.warn("discarding a restore in {}: {}", here.label(), e.getMessage());
    }
  }

  /** Lets the restores under way finish, for up to ten seconds. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** The client's stream, handing every byte read to the pipe as well. */
  private static final class Tee extends FilterInputStream {
    private final ChunkPipe pipe;
    private final long size;
    private long count;
    private boolean teeing = true;
    private boolean ended;

    Tee(InputStream in, ChunkPipe pipe, long size) {
      super(in);
      this.pipe = pipe;
      this.size = size;
      if (size == 0) {
        end();
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
      } catch (IOException e) {
        stopTeeing();
        throw e;
      }
      if (n < 0) {
        if (count == size) {
          end();
        } else {
          stopTeeing();
        }
        return n;
      }
      count += n;
      if (teeing && !pipe.write(b, off, n)) {
        teeing = false; // the restore failed; the client's read goes on
      }
      if (count == size) {
        end(); // the front end may stop at the length without reading the end of the stream
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      stopTeeing(); // skipped bytes are not seen, so what is stored would have holes
      return in.skip(n);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        stopTeeing();
      }
      in.close();
    }

    private void end() {
      if (!ended && teeing) {
        pipe.finish();
      }
      ended = true;
    }

    private void stopTeeing() {
      if (teeing && !ended) {
        pipe.abort();
      }
      teeing = false;
    }
  }
}
