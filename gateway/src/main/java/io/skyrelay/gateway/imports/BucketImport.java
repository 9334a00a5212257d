package io.skyrelay.gateway.imports;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.Namespace.ExistingObject;
import io.skyrelay.gateway.namespace.VirtualBucket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the objects under one location of a region's store as a virtual bucket's objects in
 * that region. The location must be inside the region's store (the namespace records copies by
 * their key in it); by default it is the bucket's own prefix there. An object whose key already has
 * a ready version is left alone, so running the import again registers only what is new. Nothing is
 * copied: the versions' base copies are the objects found.
 */
public final class BucketImport {

  private static final Logger LOG = LoggerFactory.getLogger(BucketImport.class);

  /** The version suffix of the gateway's own physical keys, which are never imported. */
  private static final Pattern GATEWAY_COPY = Pattern.compile(".*~[0-9a-f]{32}");

  /**
   * What an import did (or, in a dry run, would do).
   *
   * @param found objects listed under the location
   * @param imported registered as new versions (in a dry run: that would be)
   * @param present left alone because their key already has a version
   * @param skipped not importable: the gateway's own copies, and keys the gateway refuses
   * @param failed that could not be read or registered
   * @param bytes the size of the objects imported
   */
  public record Summary(
      long found, long imported, long present, long skipped, long failed, long bytes) {

    Summary plus(long f, long i, long p, long s, long x, long b) {
      return new Summary(found + f, imported + i, present + p, skipped + s, failed + x, bytes + b);
    }
  }

  private final Namespace namespace;
  private final VirtualBucket bucket;
  private final String region;
  private final ObjectStore store;
  private final String physicalPrefix;

  /**
   * @param store the region's store, open
   * @param physicalPrefix where in {@code store} the objects are ({@link #physicalPrefix})
   */
  public BucketImport(
      Namespace namespace,
      VirtualBucket bucket,
      String region,
      ObjectStore store,
      String physicalPrefix) {
    this.namespace = namespace;
    this.bucket = bucket;
    this.region = region;
    this.store = store;
    this.physicalPrefix = physicalPrefix;
  }

  /**
   * The key prefix inside the region's store of the location {@code from}, which must be inside
   * that store: the same bucket or container, under the region's prefix when it has one (for {@code
   * file://}, a folder under the region's).
   *
   * @throws IllegalArgumentException when {@code from} is elsewhere
   */
  public static String physicalPrefix(StoreUri regionStore, StoreUri from) {
    String prefix;
    if (regionStore.scheme().equals("file") && from.scheme().equals("file")) {
      Path root = Path.of(regionStore.container());
      Path at = Path.of(from.container());
      if (!at.startsWith(root)) {
        throw new IllegalArgumentException(
            from + " is not inside the region's store " + regionStore);
      }
      prefix = root.relativize(at).toString().replace('\\', '/');
    } else {
      boolean same =
          regionStore.scheme().equals(from.scheme())
              && regionStore.container().equals(from.container())
              && java.util.Objects.equals(regionStore.account(), from.account());
      if (!same) {
        throw new IllegalArgumentException(
            from + " is not inside the region's store " + regionStore.containerOnly());
      }
      // The region's store is the part of the bucket under the region's prefix: physical keys,
      // and so the import's prefix, are relative to it.
      String regionPrefix = folder(regionStore.prefix());
      prefix = folder(from.prefix());
      if (!prefix.startsWith(regionPrefix)) {
        throw new IllegalArgumentException(
            from + " is not inside the region's store " + regionStore + " (outside its prefix)");
      }
      prefix = prefix.substring(regionPrefix.length());
    }
    return folder(prefix);
  }

  private static String folder(String prefix) {
    return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * Lists the location and registers what is new.
   *
   * @param dryRun count only; the namespace is not written
   * @param progress told the running totals after every page of the listing
   */
  public Summary run(boolean dryRun, Consumer<Summary> progress) {
    Summary total = new Summary(0, 0, 0, 0, 0, 0);
    boolean ownPrefix = physicalPrefix.equals(bucket.physicalPrefix());
    List<ObjectInfo> page = new ArrayList<>();
    for (ObjectInfo o : store.listAll(physicalPrefix)) {
      page.add(o);
      if (page.size() == 1000) {
        total = importPage(page, dryRun, ownPrefix, total);
        progress.accept(total);
        page.clear();
      }
    }
    total = importPage(page, dryRun, ownPrefix, total);
    progress.accept(total);
    return total;
  }

  private Summary importPage(List<ObjectInfo> page, boolean dryRun, boolean own, Summary t) {
    for (ObjectInfo o : page) {
      String key = o.key().substring(physicalPrefix.length());
      if (key.isEmpty() || (own && GATEWAY_COPY.matcher(key).matches())) {
        t = t.plus(1, 0, 0, 1, 0, 0);
        continue;
      }
      if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
        t = t.plus(1, 0, 0, 1, 0, 0);
        continue;
      }
      if (namespace.readyVersion(bucket.name(), key).isPresent()) {
        t = t.plus(1, 0, 1, 0, 0, 0);
        continue;
      }
      if (dryRun) {
        t = t.plus(1, 1, 0, 0, 0, o.size());
        continue;
      }
      try {
        // listings of most stores carry neither content type nor user metadata: a head does
        ObjectInfo info = o.contentType() == null ? store.head(o.key()) : o;
        String etag = info.md5() != null ? info.md5() : info.etag();
        Instant modified = info.lastModified() != null ? info.lastModified() : Instant.now();
        boolean added =
            namespace.importObject(
                bucket.name(),
                region,
                new ExistingObject(
                    key,
                    o.key(),
                    info.size(),
                    etag,
                    info.md5(),
                    info.contentType(),
                    info.metadata(),
                    modified));
        t = added ? t.plus(1, 1, 0, 0, 0, info.size()) : t.plus(1, 0, 1, 0, 0, 0);
      } catch (ObjectNotFoundException gone) {
        t = t.plus(1, 0, 0, 1, 0, 0); // deleted since it was listed
      } catch (StoreException e) {
        LOG.warn("{}: not imported: {}", o.key(), e.getMessage());
        t = t.plus(1, 0, 0, 0, 1, 0);
      }
    }
    return t;
  }
}
