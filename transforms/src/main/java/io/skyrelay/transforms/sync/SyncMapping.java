package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.KeyFilter;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One source kept in sync: where its change events arrive, in which format, where its replicas are,
 * and the policy for deletes, filters, metadata and archiving.
 *
 * @param name a short name: it names the mapping for {@code sync --reconcile} (and its run folder)
 *     and {@code loadgen --mapping}
 * @param source the source location (its prefix limits which keys are synced)
 * @param topic the Kafka topic of its change events
 * @param format the notification format: s3, eventbridge, eventgrid, gcs or auto
 * @param replicas where copies are kept
 * @param propagateDelete delete replica copies when the source object is deleted
 * @param filter which keys (relative to the source prefix) are synced
 * @param copyMetadata copy content type and user metadata to replicas
 * @param archive archive policy, or null
 */
public record SyncMapping(
    String name,
    StoreLocation source,
    String topic,
    String format,
    List<StoreLocation> replicas,
    boolean propagateDelete,
    KeyFilter filter,
    boolean copyMetadata,
    ArchivePolicy archive)
    implements Serializable {

  public SyncMapping {
    replicas = List.copyOf(replicas);
  }

  /**
   * After {@code after}, the object is copied to {@code store}; unless {@code keepLocal}, the
   * source copy is then deleted; the archived copy is deleted {@code expireAfter} after archiving
   * (never when null).
   */
  public record ArchivePolicy(
      StoreLocation store, Duration after, boolean keepLocal, Duration expireAfter)
      implements Serializable {}

  /** The key relative to the source prefix, or null when the key is outside it. */
  public String relativeKey(String key) {
    String prefix = source.uri().prefix();
    return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
  }
}
