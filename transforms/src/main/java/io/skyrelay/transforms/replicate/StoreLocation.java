package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.io.Serializable;

/**
 * A place objects live in: a store URI with its prefix, the settings to reach it, and the region
 * label ({@code aws:us-east-1}, {@code local:demo}) used for cost estimates.
 */
public record StoreLocation(StoreUri uri, StoreSettings settings, String region)
    implements Serializable {

  /**
   * A location's prefix names a folder: {@code s3://b/data} and {@code s3://b/data/} are the same.
   */
  public StoreLocation {
    if (!uri.prefix().isEmpty() && !uri.prefix().endsWith("/")) {
      uri = uri.withPrefix(uri.prefix() + "/");
    }
  }

  /** The same location under another region label. */
  public StoreLocation withRegion(String label) {
    return new StoreLocation(uri, settings, label);
  }

  public ObjectStore open() {
    return ObjectStores.open(uri, settings);
  }

  /** The full key of an object whose key relative to this location's prefix is {@code relKey}. */
  public String keyOf(String relKey) {
    return uri.prefix() + relKey;
  }

  @Override
  public String toString() {
    return uri + (region == null ? "" : " [" + region + "]");
  }
}
