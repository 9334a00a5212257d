package io.skyrelay.connectors;

import java.util.List;

/**
 * Makes connectors for one URI scheme. Each connector registers its provider in {@code
 * META-INF/services/io.skyrelay.connectors.ObjectStoreProvider}.
 */
public interface ObjectStoreProvider {

  /** The URI scheme this provider handles: {@code s3}, {@code az}, {@code gs}, {@code file}. */
  String scheme();

  /**
   * Every store setting this connector reads, with its type, whether it is secret, its default and
   * what it does. {@link ObjectStores#open} refuses settings not declared here, and values not of
   * the declared type, before {@link #open} sees them.
   */
  List<StoreSetting> settings();

  /** Opens the container named by {@code uri} (its prefix is ignored). */
  ObjectStore open(StoreUri uri, StoreSettings settings);
}
