package io.skyrelay.connectors;

/**
 * Makes connectors for one URI scheme. Each connector registers its provider in {@code
 * META-INF/services/io.skyrelay.connectors.ObjectStoreProvider}.
 */
public interface ObjectStoreProvider {

  /** The URI scheme this provider handles: {@code s3}, {@code az}, {@code gs}, {@code file}. */
  String scheme();

  /** Opens the container named by {@code uri} (its prefix is ignored). */
  ObjectStore open(StoreUri uri, StoreSettings settings);
}
