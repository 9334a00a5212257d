package io.skyrelay.gateway.placement;

import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.Namespace.PendingUpload;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.values.ObjectEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the pending replicas of ready versions in the background with Skyrelay's own copier (the
 * one {@code replicate} and {@code sync} use: reads conditional on the source's ETag, bytes
 * verified by size and MD5), marks them ready when verified, and removes the copies of overwritten
 * and deleted versions. A copy that fails is retried after a pause; one that became obsolete while
 * it was written is removed again.
 *
 * <p>With Kafka replication ({@link #throughKafka}), the copies are the sync job's: for each
 * pending replica a change event is published, and the replica is marked ready once it is found in
 * its region's store with the version's bytes (published again when it does not come).
 */
public final class Replicator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
  private static final long RETRY_SECONDS = 5;

  /** How long a multipart upload may stay incomplete before it is aborted (S3's usual rule). */
  public static final Duration UPLOAD_LIFETIME = Duration.ofDays(7);

  /** Told of every copy made from one region to another. */
  public interface CopyListener {
    void copied(String from, String to, long bytes);
  }

  private volatile CopyListener copied = (from, to, bytes) -> {};

  private final Namespace namespace;
  private final Map<String, RegionStore> regions;
  private final ExecutorService copiers;
  private final ScheduledExecutorService housekeeping;
  private volatile KafkaReplicas kafka;

  public Replicator(Namespace namespace, Map<String, RegionStore> regions, int threads) {
    this.namespace = namespace;
    this.regions = Map.copyOf(regions);
    this.copiers = Executors.newFixedThreadPool(threads, daemon("gateway-replicator"));
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("gateway-remover"));
  }

  /**
   * Has the sync job make the replicas from now on, from change events published on {@code
   * settings}' topics; call before {@link #start}.
   */
  public void throughKafka(io.skyrelay.gateway.config.GatewayConfig.KafkaReplication settings) {
    this.kafka = new KafkaReplicas(settings);
  }

  /** Tells {@code listener} of every copy made from now on. */
  public void onCopied(CopyListener listener) {
    this.copied = listener;
  }

  /**
   * Starts removing obsolete copies regularly. Writes cut off by a crash and replicas owed from
   * before a restart are the {@link Sweeper}'s: it rolls back the former and hands the latter here
   * once their gateway is gone.
   */
  public void start() {
    housekeeping.scheduleWithFixedDelay(this::removeObsolete, 0, 10, TimeUnit.SECONDS);
    KafkaReplicas k = kafka;
    if (k != null) {
      long every = k.settings().verifyEvery().toMillis();
      housekeeping.scheduleWithFixedDelay(
          this::verifyPublished, every, every, TimeUnit.MILLISECONDS);
    }
    housekeeping.scheduleWithFixedDelay(
        () -> abandonUploadsBefore(Instant.now().minus(UPLOAD_LIFETIME)), 0, 1, TimeUnit.HOURS);
  }

  /**
   * Aborts the multipart uploads begun before {@code cutoff}: their parts in the store that holds
   * them, then their pending versions. Uploads outlive a restart (a client may resume one), but not
   * {@link #UPLOAD_LIFETIME}.
   *
   * @return how many were aborted
   */
  public int abandonUploadsBefore(Instant cutoff) {
    int n = 0;
    for (PendingUpload up : namespace.uploadsBefore(cutoff)) {
      ObjectVersion v = up.version();
      try {
        RegionStore r = regions.get(up.region());
        String physicalKey =
            v.copies().stream()
                .filter(PhysicalCopy::base)
                .findFirst()
                .map(PhysicalCopy::physicalKey)
                .orElse(v.key());
        if (r != null) {
          r.store()
              .multipart()
              .ifPresent(
                  m ->
                      m.abort(
                          new UploadHandle(
                              physicalKey,
                              up.storeUploadId(),
                              PutOptions.of(v.contentType(), Map.of()))));
        }
        namespace.abortWrite(v.versionId());
        n++;
        LOG.info(
            "{}/{}: aborted multipart upload {} begun {}",
            v.bucket(),
            v.key(),
            up.uploadId(),
            up.createdAt());
      } catch (RuntimeException e) {
        LOG.warn("{}/{}: cannot abort an abandoned upload: {}", v.bucket(), v.key(), e.toString());
      }
    }
    return n;
  }

  /** Queues the copies of a ready version that are still pending. */
  public void replicate(ObjectVersion version) {
    PhysicalCopy source =
        version.copies().stream()
            .filter(c -> c.status() == CopyStatus.READY && c.base())
            .findFirst()
            .orElse(null);
    if (source == null) {
      return;
    }
    for (PhysicalCopy target : version.copies()) {
      if (target.status() == CopyStatus.PENDING) {
        submit(
            kafka == null
                ? () -> copy(version, source, target)
                : () -> publish(version, source, target));
      }
    }
  }

  /** Asks for obsolete copies to be removed soon (after an overwrite or a delete). */
  public void removeObsoleteSoon() {
    try {
      housekeeping.execute(this::removeObsolete);
    } catch (RejectedExecutionException e) {
      // closing: the next start removes them
    }
  }

  private void submit(Runnable task) {
    try {
      copiers.execute(task);
    } catch (RejectedExecutionException e) {
      // closing: the replica stays pending and is queued again at the next start
    }
  }

  private void copy(ObjectVersion version, PhysicalCopy source, PhysicalCopy target) {
    RegionStore from = regions.get(source.region());
    RegionStore to = regions.get(target.region());
    if (from == null || to == null) {
      LOG.warn(
          "{}/{}: cannot copy from {} to {}: region not configured",
          version.bucket(),
          version.key(),
          source.region(),
          target.region());
      return;
    }
    try {
      ObjectCopier copier =
          new ObjectCopier(
                  from.store(), from.containerLocation(), to.store(), to.containerLocation(), true)
              .withoutMetadata();
      // Physical keys are the same in every region: the entry's key is the physical key. The
      // source's own ETag (an MD5 on disk and S3, not on Azure) makes the read conditional.
      String sourceEtag = from.store().head(source.physicalKey()).etag();
      ObjectEntry entry =
          new ObjectEntry(
              source.physicalKey(),
              version.size(),
              sourceEtag,
              version.md5(),
              version.createdAt().toEpochMilli());
      copier.copyWhole(entry);
      copied.copied(source.region(), target.region(), version.size());
      if (!namespace.replicaReady(version.versionId(), target.region())
          && !filledAlready(version, target.region())) {
        // Overwritten or deleted while copying: what was just written is obsolete.
        to.store().delete(target.physicalKey());
        removeObsoleteSoon();
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "{}/{}: copy to {} failed, retrying in {} s: {}",
          version.bucket(),
          version.key(),
          target.region(),
          RETRY_SECONDS,
          e.getMessage());
      try {
        housekeeping.schedule(
            () -> submit(() -> copy(version, source, target)), RETRY_SECONDS, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closing) {
        // the replica stays pending and is queued again at the next start
      }
    }
  }

  /** Publishes the change event of a replica for the sync job; retried after a pause. */
  private void publish(ObjectVersion version, PhysicalCopy source, PhysicalCopy target) {
    RegionStore from = regions.get(source.region());
    if (from == null || !regions.containsKey(target.region())) {
      LOG.warn(
          "{}/{}: cannot copy from {} to {}: region not configured",
          version.bucket(),
          version.key(),
          source.region(),
          target.region());
      return;
    }
    try {
      kafka.publish(version, source, target, from);
    } catch (RuntimeException e) {
      LOG.warn(
          "{}/{}: change event for {} not published, retrying in {} s: {}",
          version.bucket(),
          version.key(),
          target.region(),
          RETRY_SECONDS,
          e.getMessage());
      try {
        housekeeping.schedule(
            () -> submit(() -> publish(version, source, target)), RETRY_SECONDS, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closing) {
        // the replica stays pending and is queued again at the next start
      }
    }
  }

  /**
   * Looks for the replicas published to the sync job in their regions' stores: one there with the
   * version's bytes is marked ready (or removed again when its version was overwritten or deleted
   * meanwhile); one with other bytes is removed and published again, as is one that has not come
   * after {@code republish-after}, if its version is still current.
   */
  void verifyPublished() {
    KafkaReplicas k = kafka;
    for (KafkaReplicas.Awaited a : k.awaited()) {
      ObjectVersion version = a.version();
      RegionStore to = regions.get(a.target().region());
      try {
        switch (KafkaReplicas.look(a, to)) {
          case VERIFIED -> {
            k.done(a);
            copied.copied(a.source().region(), a.target().region(), version.size());
            if (!namespace.replicaReady(version.versionId(), a.target().region())
                && !filledAlready(version, a.target().region())) {
              to.store().delete(a.target().physicalKey());
              removeObsoleteSoon();
            }
          }
          case WRONG -> {
            LOG.warn(
                "{}/{}: the copy in {} does not match the version; publishing it again",
                version.bucket(),
                version.key(),
                a.target().region());
            k.done(a);
            to.store().delete(a.target().physicalKey());
            submit(() -> publish(version, a.source(), a.target()));
          }
          case NOT_YET -> {
            if (k.overdue(a)) {
              k.done(a);
              if (stillCurrent(version)) {
                submit(() -> publish(version, a.source(), a.target()));
              }
            }
          }
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "{}/{}: cannot look for the copy in {}: {}",
            version.bucket(),
            version.key(),
            a.target().region(),
            e.toString());
      }
    }
  }

  private boolean stillCurrent(ObjectVersion version) {
    return namespace
        .readyVersion(version.bucket(), version.key())
        .filter(v -> v.versionId().equals(version.versionId()))
        .isPresent();
  }

  /**
   * Whether the replica is ready already: another gateway sharing the namespace took the version's
   * replicas over (this one's lease had lapsed) and filled it with the same bytes, which stay.
   */
  private boolean filledAlready(ObjectVersion version, String region) {
    return namespace
        .readyVersion(version.bucket(), version.key())
        .filter(v -> v.versionId().equals(version.versionId()))
        .map(v -> v.copies().stream().anyMatch(c -> c.region().equals(region)))
        .orElse(false);
  }

  /** Removes the bytes of copies pending deletion, then their rows. */
  void removeObsolete() {
    try {
      while (true) {
        var batch = namespace.obsoleteCopies(200);
        int removed = 0;
        for (PhysicalCopy c : batch) {
          RegionStore r = regions.get(c.region());
          if (r == null) {
            continue;
          }
          try {
            r.store().delete(c.physicalKey());
            namespace.copyRemoved(c.versionId(), c.region());
            removed++;
          } catch (StoreException e) {
            LOG.warn("cannot remove obsolete copy in {}: {}", c.region(), e.getMessage());
          }
        }
        if (batch.size() < 200 || removed == 0) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("removing obsolete copies failed: {}", e.getMessage());
    }
  }

  /** Removes the obsolete copies now, on the caller's thread (before deleting a bucket). */
  public void removeObsoleteNow() {
    removeObsolete();
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    copiers.shutdownNow();
    if (kafka != null) {
      kafka.close();
    }
    try {
      copiers.awaitTermination(10, TimeUnit.SECONDS);
      housekeeping.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
