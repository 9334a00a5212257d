package io.skyrelay.connectors;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Connection settings of one store (endpoint, region, credentials), as string properties. Values of
 * secret properties are registered with {@link Redactor} so that they never reach a message or a
 * log, and {@link #toString()} masks them.
 *
 * <p>Properties (all optional; see the README for each store):
 *
 * <ul>
 *   <li>S3: {@code endpoint}, {@code region}, {@code path-style}, {@code access-key-id}, {@code
 *       secret-access-key}, {@code session-token}, {@code profile}
 *   <li>Azure: {@code endpoint}, {@code connection-string}, {@code account-key}, {@code sas-token}
 *   <li>GCS: {@code endpoint}, {@code project-id}, {@code credentials-file}
 * </ul>
 */
public final class StoreSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Properties whose values are credentials. */
  public static final Set<String> SECRET_KEYS =
      Set.of("secret-access-key", "session-token", "connection-string", "account-key", "sas-token");

  public static final StoreSettings EMPTY = new StoreSettings(Map.of());

  private final TreeMap<String, String> properties;

  private StoreSettings(Map<String, String> properties) {
    this.properties = new TreeMap<>();
    properties.forEach(
        (k, v) -> {
          String key = k.toLowerCase(Locale.ROOT).replace('_', '-');
          if (v != null && !v.isEmpty()) {
            this.properties.put(key, v);
            if (SECRET_KEYS.contains(key)) {
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
          b.append(k).append('=').append(SECRET_KEYS.contains(k) ? "****" : v);
        });
    return b.append('}').toString();
  }

  private Object readResolve() {
    properties.forEach(
        (k, v) -> {
          if (SECRET_KEYS.contains(k)) {
            Redactor.registerSecret(v);
          }
        });
    return this;
  }
}
