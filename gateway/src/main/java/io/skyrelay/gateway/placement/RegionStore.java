package io.skyrelay.gateway.placement;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.transforms.replicate.StoreLocation;

/**
 * A region's physical store, open: where the copies of every virtual bucket in that region live
 * (each bucket under its own prefix).
 *
 * @param label the region label
 * @param location the store's location (URI, settings, region label)
 * @param store the open store
 */
public record RegionStore(String label, StoreLocation location, ObjectStore store) {}
