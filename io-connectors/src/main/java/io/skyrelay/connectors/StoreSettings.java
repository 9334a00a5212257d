package io.skyrelay.connectors;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Connection settings of one store (endpoint, region, credentials), as string properties. Which
 * properties a store accepts, their types and which of them are credentials is declared by its
 * connector ({@link ObjectStoreProvider#settings()}; all are listed in docs/STORES.md), and {@link
 * ObjectStores#open} refuses others. Values of secret properties are registered with {@link
 * Redactor} so that they never reach a message or a log, and {@link #toString()} masks them, as
 * well as values of properties no connector declares (they may be misspelt credentials).
 */
public final class StoreSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final StoreSettings EMPTY = new StoreSettings(Map.of());

  private final TreeMap<String, String> properties;

  private StoreSettings(Map<String, String> properties) {
    this.properties = new TreeMap<>();
    properties.forEach(
        (k, v) -> {
          String key = k.toLowerCase(Locale.ROOT).replace('_', '-');
          if (v != null && !v.isEmpty()) {
            this.properties.put(key, v);
            if (isSecret(key)) {
              Redactor.registerSecret(v);
            }
          }
        });
  }

  public static StoreSettings of(Map<String, String> properties) {
    return new StoreSettings(properties);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key).map(v -> Boolean.parseBoolean(v.trim())).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    return get(key).map(v -> Integer.parseInt(v.trim())).orElse(defaultValue);
  }

  /**
   * The properties whose values are credentials: those that some registered connector declares
   * secret.
   */
  public static Set<String> secretKeys() {
    return Declared.SECRET;
  }

  private static boolean isSecret(String key) {
    return Declared.SECRET.contains(key);
  }

  /**
   * Names declared by the connectors on the classpath, looked up when first needed (not when {@link
   * #EMPTY} is made, which connectors may use while they load).
   */
  private static final class Declared {
    static final Set<String> SECRET;
    static final Set<String> PLAIN;

    static {
      Set<String> secret = new TreeSet<>();
      Set<String> plain = new TreeSet<>();
      // Not through ObjectStores, whose loading installs the native digests.
      for (ObjectStoreProvider p :
          ServiceLoader.load(ObjectStoreProvider.class, StoreSettings.class.getClassLoader())) {
        for (StoreSetting s : p.settings()) {
          (s.secret() ? secret : plain).add(s.name());
        }
      }
      // A name secret for one connector is masked for all.
      plain.removeAll(secret);
      SECRET = Set.copyOf(secret);
      PLAIN = Set.copyOf(plain);
    }
  }

  /** A copy with {@code key} set to {@code value}. */
  public StoreSettings with(String key, String value) {
    TreeMap<String, String> copy = new TreeMap<>(properties);
    copy.put(key, value);
    return new StoreSettings(copy);
  }

  public Map<String, String> asMap() {
    return Map.copyOf(properties);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreSettings other && other.properties.equals(properties);
  }

  @Override
  public int hashCode() {
    return properties.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    properties.forEach(
        (k, v) -> {
          if (b.length() > 1) {
            b.append(", ");
          }
          b.append(k).append('=').append(Declared.PLAIN.contains(k) ? v : "****");
        });
    return b.append('}').toString();
  }

  private Object readResolve() {
    properties.forEach(
        (k, v) -> {
          if (isSecret(k)) {
            Redactor.registerSecret(v);
          }
        });
    return this;
  }
}
