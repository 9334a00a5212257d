package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.io.Serializable;

/**
 * A place objects live in: a store URI with its prefix, the settings to reach it, and the region
 * label ({@code aws:us-east-1}, {@code local:demo}) used for cost estimates.
 *
 * <p>A location is a folder: its prefix ends with {@code /} (or is empty), and keys are carried
 * relative to it. A single-object location ({@link #object}) is one object instead: its prefix is
 * that object's key, whose relative key is the empty string, so a job whose source and destinations
 * are single objects copies one object to a key of another name.
 *
 * @param singleObject whether the prefix is one object's key rather than a folder
 */
public record StoreLocation(
    StoreUri uri, StoreSettings settings, String region, boolean singleObject)
    implements Serializable {

  /**
   * A location's prefix names a folder: {@code s3://b/data} and {@code s3://b/data/} are the same.
   */
  public StoreLocation {
    if (singleObject && uri.prefix().isEmpty()) {
      throw new IllegalArgumentException("a single-object location needs the object's key");
    }
    if (!singleObject && !uri.prefix().isEmpty() && !uri.prefix().endsWith("/")) {
      uri = uri.withPrefix(uri.prefix() + "/");
    }
  }

  /** The folder {@code uri}. */
  public StoreLocation(StoreUri uri, StoreSettings settings, String region) {
    this(uri, settings, region, false);
  }

  /** The one object whose key is {@code uri}'s prefix. */
  public static StoreLocation object(StoreUri uri, StoreSettings settings, String region) {
    return new StoreLocation(uri, settings, region, true);
  }

  /** The same location under another region label. */
  public StoreLocation withRegion(String label) {
    return new StoreLocation(uri, settings, label, singleObject);
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
