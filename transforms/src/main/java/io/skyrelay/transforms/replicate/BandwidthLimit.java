package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.ForwardingObjectStore;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.ThrottledObjectStore;
import io.skyrelay.connectors.ThrottledObjectStore.Rate;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job's limit on the bytes per second its workers send, for the whole job (rclone's and {@code
 * replicate}'s {@code --bwlimit}). Every byte a worker writes to a destination or a relay store
 * passes one token bucket shared by all copy threads and all workers of its JVM; server-side
 * copies, whose bytes never pass through a worker, are not limited.
 *
 * <p>A JVM's bucket gets the share of the job's rate that its copy subtasks are of the job's
 * parallelism: on the embedded runner and the DirectRunner every subtask is in one JVM, which gets
 * the whole rate (parallelism 0); on a cluster of two TaskManagers that run half the subtasks each,
 * each gets half. Workers do not talk to each other, so when only some TaskManagers still have work
 * (the last large object) the job runs below the limit, never above it.
 *
 * @param bytesPerSecond the job's rate; 0 for no limit
 * @param job identifies the job, so that its workers in one JVM find one bucket
 * @param parallelism subtasks of each copy step on a cluster; 0 when the whole job runs in one JVM,
 *     which then takes the whole rate
 */
public record BandwidthLimit(long bytesPerSecond, String job, int parallelism)
    implements Serializable {

  /** No limit. */
  public static final BandwidthLimit NONE = new BandwidthLimit(0, "", 0);

  public BandwidthLimit {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a bandwidth limit cannot be negative: " + bytesPerSecond);
    }
  }

  /** A limit of {@code bytesPerSecond} for a new job of {@code parallelism} workers. */
  public static BandwidthLimit of(long bytesPerSecond, int parallelism) {
    return bytesPerSecond == 0
        ? NONE
        : new BandwidthLimit(bytesPerSecond, UUID.randomUUID().toString(), parallelism);
  }

  public boolean limits() {
    return bytesPerSecond > 0;
  }

  /** The buckets of the jobs that ran in this JVM, by job. */
  private static final Map<String, Share> SHARES = new ConcurrentHashMap<>();

  /**
   * Counts {@code worker} (a DoFn instance) as one of step {@code step}'s subtasks in this JVM, and
   * returns the JVM's bucket, whose rate follows the count.
   */
  Rate join(String step, Object worker) {
    Share share = SHARES.computeIfAbsent(job, j -> new Share(this));
    share.add(step, worker);
    return share.rate;
  }

  /** {@code store}, with the bytes written to it paced by {@code rate}. */
  static ObjectStore paced(ObjectStore store, Rate rate) {
    return new PacedWrites(store, rate);
  }

  /** The part of a job's rate that one JVM takes. */
  private static final class Share {
    final BandwidthLimit limit;
    final Rate rate;
    // Subtasks seen, never forgotten: a step that finished does not lower the next one's share.
    final Map<String, Set<Integer>> workers = new ConcurrentHashMap<>();

    Share(BandwidthLimit limit) {
      this.limit = limit;
      this.rate = new Rate(fraction(0) * limit.bytesPerSecond);
    }

    synchronized void add(String step, Object worker) {
      workers
          .computeIfAbsent(step, s -> ConcurrentHashMap.newKeySet())
          .add(System.identityHashCode(worker));
      int most = workers.values().stream().mapToInt(Set::size).max().orElse(0);
      rate.set(fraction(most) * limit.bytesPerSecond);
    }

    /** The share of {@code subtasks} of one step out of the job's parallelism, at most all. */
    double fraction(int subtasks) {
      if (limit.parallelism <= 0) {
        return 1;
      }
      return Math.min(limit.parallelism, Math.max(1, subtasks)) / (double) limit.parallelism;
    }
  }

  /** A store whose writes (whole objects and uploaded parts) are paced; server-side copies not. */
  private static final class PacedWrites extends ForwardingObjectStore {
    private final Rate rate;

    PacedWrites(ObjectStore delegate, Rate rate) {
      super(delegate);
      this.rate = rate;
    }

    @Override
    public WriteResult put(String key, InputStream content, long length, PutOptions options) {
      return delegate.put(key, ThrottledObjectStore.paced(content, List.of(rate)), length, options);
    }

    @Override
    public Optional<MultipartUploads> multipart() {
      return delegate.multipart().map(PacedParts::new);
    }

    @Override
    public String toString() {
      return delegate.toString();
    }

    /** The wrapped store's uploads, with each uploaded part's stream paced. */
    private final class PacedParts implements MultipartUploads {
      private final MultipartUploads uploads;

      PacedParts(MultipartUploads uploads) {
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
        return uploads.uploadPart(
            upload, partNumber, ThrottledObjectStore.paced(content, List.of(rate)), length);
      }

      @Override
      public boolean canCopyPartFrom(ObjectStore source) {
        return uploads.canCopyPartFrom(source);
      }

      @Override
      public CompletedPart copyPart(
          UploadHandle upload,
          int partNumber,
          ObjectStore source,
          String sourceKey,
          ByteRange range,
          String ifMatch) {
        return uploads.copyPart(upload, partNumber, source, sourceKey, range, ifMatch);
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
  }
}
