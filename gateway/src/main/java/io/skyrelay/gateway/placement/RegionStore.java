package io.skyrelay.gateway.placement;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PrefixedObjectStore;
import io.skyrelay.transforms.replicate.StoreLocation;

/**
 * A region's physical store, open: where the copies of every virtual bucket in that region live
 * (each bucket under its own prefix). The store is a whole bucket or container, or the part of one
 * under the location's prefix ({@code s3://west-bucket/copies}): its keys are physical keys either
 * way, and the bucket's key of a physical key is {@link #bucketKey}.
 *
 * @param label the region label
 * @param location the store's location (URI with its prefix, settings, region label)
 * @param store the open store, under the location's prefix
 */
public record RegionStore(String label, StoreLocation location, ObjectStore store) {

  /** Opens the store of {@code location}, seen from under its prefix. */
  public static RegionStore open(String label, StoreLocation location) {
    return new RegionStore(label, location, openStore(location));
  }

  /**
   * Opens the store of a region's {@code location} under the location's prefix, so that a physical
   * key {@code k} is the object {@code prefix + k} of the bucket.
   */
  public static ObjectStore openStore(StoreLocation location) {
    return PrefixedObjectStore.under(location.open(), location.uri().prefix());
  }

  /** The key in the region's bucket or container of the copy whose physical key is given. */
  public String bucketKey(String physicalKey) {
    return location.keyOf(physicalKey);
  }

  /**
   * The region's bucket or container without the prefix: the location to pair with {@link #store()}
   * where keys are taken relative to a location, as the store adds the prefix itself.
   */
  public StoreLocation containerLocation() {
    return new StoreLocation(
        location.uri().containerOnly(), location.settings(), location.region());
  }
}
