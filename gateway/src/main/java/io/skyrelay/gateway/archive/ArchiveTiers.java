package io.skyrelay.gateway.archive;

import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.config.GatewayConfig.ArchiveConfig;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.placement.RegionStore;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The archive tiers of the configured buckets, open, and the restorer they share. */
public final class ArchiveTiers implements AutoCloseable {

  private final Map<String, ArchiveTier> byBucket;
  private final ArchiveRestorer restorer;

  private ArchiveTiers(Map<String, ArchiveTier> byBucket, ArchiveRestorer restorer) {
    this.byBucket = byBucket;
    this.restorer = restorer;
  }

  /** No bucket has an archive tier. */
  public static ArchiveTiers none() {
    return new ArchiveTiers(Map.of(), null);
  }

  /** Opens the archive store of every bucket in {@code buckets} that names one. */
  public static ArchiveTiers open(
      Iterable<BucketConfig> buckets,
      DataSource dataSource,
      Namespace namespace,
      Map<String, RegionStore> regions) {
    Tombstones tombstones = new Tombstones(dataSource);
    Map<String, ArchiveTier> tiers = new LinkedHashMap<>();
    try {
      for (BucketConfig b : buckets) {
        ArchiveConfig a = b.archive();
        if (a != null) {
          StoreLocation location =
              new StoreLocation(StoreUri.parse(a.store()), StoreSettings.of(a.settings()), null);
          tiers.put(
              b.name(),
              new ArchiveTier(b.name(), location, location.open(), a.restore(), tombstones));
        }
      }
    } catch (RuntimeException e) {
      tiers.values().forEach(ArchiveTier::close);
      throw e;
    }
    return new ArchiveTiers(
        Map.copyOf(tiers), tiers.isEmpty() ? null : new ArchiveRestorer(namespace, regions));
  }

  /** The archive tier of {@code bucket}, or {@code null} when it has none. */
  public ArchiveTier of(String bucket) {
    return byBucket.get(bucket);
  }

  /** The restorer (present whenever a bucket has an archive tier). */
  public ArchiveRestorer restorer() {
    return restorer;
  }

  @Override
  public void close() {
    if (restorer != null) {
      restorer.close();
    }
    byBucket.values().forEach(ArchiveTier::close);
  }
}
