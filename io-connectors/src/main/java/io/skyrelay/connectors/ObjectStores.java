package io.skyrelay.connectors;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * Opens the container of {@code uri}.
   *
   * @throws InvalidStoreUriException if no connector handles the scheme, or a setting is not one
   *     the connector declares or its value not of the declared type
   */
  public static ObjectStore open(StoreUri uri, StoreSettings settings) {
    ObjectStoreProvider provider = provider(uri.scheme());
    StoreSettings s = settings == null ? StoreSettings.EMPTY : settings;
    check(provider, s);
    return provider.open(uri, s);
  }

  /** The connector of {@code scheme}; an error naming the available schemes if there is none. */
  public static ObjectStoreProvider provider(String scheme) {
    Map<String, ObjectStoreProvider> providers = providers();
    ObjectStoreProvider provider = providers.get(scheme);
    if (provider == null) {
      throw new InvalidStoreUriException(
          "no connector for scheme '"
              + scheme
              + "' is on the classpath; available: "
              + providers.keySet());
    }
    return provider;
  }

  /** The declaration of {@code key} in {@code provider}'s settings, if it declares one. */
  public static Optional<StoreSetting> setting(ObjectStoreProvider provider, String key) {
    return provider.settings().stream().filter(s -> s.name().equals(key)).findFirst();
  }

  /**
   * The message for a setting {@code key} that {@code provider} does not declare: the closest
   * declared name when one is obviously meant, and all of them.
   */
  public static String unknownSetting(ObjectStoreProvider provider, String key) {
    List<String> names = provider.settings().stream().map(StoreSetting::name).sorted().toList();
    String closest = StoreSetting.closest(key, names);
    return "unknown store setting '"
        + key
        + "' for "
        + provider.scheme()
        + "://"
        + (closest == null ? "" : " (did you mean '" + closest + "'?)")
        + (names.isEmpty()
            ? "; it takes no settings"
            : "; " + provider.scheme() + ":// settings are " + String.join(", ", names));
  }

  private static void check(ObjectStoreProvider provider, StoreSettings settings) {
    settings
        .asMap()
        .forEach(
            (key, value) -> {
              StoreSetting declared =
                  setting(provider, key)
                      .orElseThrow(
                          () -> new InvalidStoreUriException(unknownSetting(provider, key)));
              try {
                declared.check(value);
              } catch (IllegalArgumentException wrongType) {
                throw new InvalidStoreUriException(wrongType.getMessage());
              }
            });
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
