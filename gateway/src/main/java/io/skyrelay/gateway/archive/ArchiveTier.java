package io.skyrelay.gateway.archive;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual bucket's archive store. The object with key {@code K} is archived at the store
 * location's prefix plus {@code K}: the layout the sync job's archive mode writes for a mapping
 * whose source is the location the bucket's objects live in (its relative keys are the bucket's
 * keys). Objects deleted through the gateway are hidden by their {@link Tombstones}.
 */
public final class ArchiveTier {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveTier.class);

  private final String bucket;
  private final StoreLocation location;
  private final ObjectStore store;
  private final boolean restore;
  private final Tombstones tombstones;

  public ArchiveTier(
      String bucket,
      StoreLocation location,
      ObjectStore store,
      boolean restore,
      Tombstones tombstones) {
    this.bucket = bucket;
    this.location = location;
    this.store = store;
    this.restore = restore;
    this.tombstones = tombstones;
  }

  /** The archive store's URI, as responses name it. */
  public String uri() {
    return location.uri().toString();
  }

  /** Whether a complete GET of an archived object stores it in the hot tier again. */
  public boolean restores() {
    return restore;
  }

  String bucket() {
    return bucket;
  }

  StoreLocation location() {
    return location;
  }

  ObjectStore store() {
    return store;
  }

  Tombstones tombstones() {
    return tombstones;
  }

  /**
   * The archived object {@code key}, unless there is none or it was deleted through the gateway.
   */
  public Optional<ObjectInfo> find(String key) {
    ObjectInfo info;
    try {
      info = store.head(location.keyOf(key));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    Instant tombstone = tombstones.of(bucket, List.of(key)).get(key);
    if (Tombstones.hides(tombstone, info.lastModified())) {
      return Optional.empty();
    }
    // The copier records the ETag a copy was made from; that is Skyrelay's, not the user's.
    Map<String, String> metadata = new HashMap<>(info.metadata());
    metadata.remove(ObjectCopier.SOURCE_ETAG);
    return Optional.of(
        new ObjectInfo(
            info.key(),
            info.size(),
            info.etag(),
            info.lastModified(),
            info.md5(),
            info.contentType(),
            metadata,
            info.storageClass()));
  }

  /**
   * Opens the bytes of an archived object.
   *
   * @param etag the store's ETag it must still have (from {@link #find})
   */
  public InputStream read(String key, ByteRange range, String etag) {
    return store.read(location.keyOf(key), range, etag);
  }

  /**
   * The ETag clients see for an archived object: its MD5 where the store knows it (what the hot
   * tier's ETag of the same bytes is), else the store's own.
   */
  public static String etagOf(ObjectInfo info) {
    return info.md5() != null ? info.md5() : info.etag();
  }

  /**
   * Deletes {@code key} from the archive, for a delete through the gateway: a tombstone first
   * (which hides the archive copy whatever happens next), then the archive copy itself. When the
   * archive store refuses the delete, the tombstone alone keeps the object deleted.
   */
  public void forget(String key) {
    tombstones.put(bucket, key, Instant.now());
    try {
      store.delete(location.keyOf(key));
    } catch (StoreException e) {
      LOG.warn(
          "{}/{}: the archive copy in {} stays (hidden by its tombstone): {}",
          bucket,
          key,
          uri(),
          e.getMessage());
    }
  }

  void close() {
    store.close();
  }
}
