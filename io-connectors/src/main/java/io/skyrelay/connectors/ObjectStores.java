package io.skyrelay.connectors;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Opens the connector registered for a location's scheme. */
public final class ObjectStores {

  static {
    NativeDigests.install();
  }

  private ObjectStores() {}

  /** Opens the container of {@code uri} (for example {@code s3://bucket/prefix}). */
  public static ObjectStore open(String uri, StoreSettings settings) {
    return open(StoreUri.parse(uri), settings);
  }

  public static ObjectStore open(StoreUri uri, StoreSettings settings) {
    ObjectStoreProvider provider = providers().get(uri.scheme());
    if (provider == null) {
      throw new InvalidStoreUriException(
          "no connector for scheme '"
              + uri.scheme()
              + "' is on the classpath; available: "
              + providers().keySet());
    }
    return provider.open(uri, settings == null ? StoreSettings.EMPTY : settings);
  }

  /** The registered providers by scheme. */
  public static Map<String, ObjectStoreProvider> providers() {
    Map<String, ObjectStoreProvider> byScheme = new TreeMap<>();
    for (ObjectStoreProvider p :
        ServiceLoader.load(ObjectStoreProvider.class, ObjectStores.class.getClassLoader())) {
      byScheme.put(p.scheme(), p);
    }
    return byScheme;
  }
}
