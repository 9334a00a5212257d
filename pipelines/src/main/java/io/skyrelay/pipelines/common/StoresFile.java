package io.skyrelay.pipelines.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-store endpoints, credentials and region labels, for jobs that span several endpoints:
 *
 * <pre>
 * stores:
 *   - uri: s3://bucket-a              # applies to this bucket and everything under it
 *     region: aws:us-east-1
 *     endpoint: http://127.0.0.1:9000
 *     access-key-id: AKIA...
 *     secret-access-key: ${env:BUCKET_A_SECRET}
 *   - uri: az://account/container
 *     region: azure:westeurope
 *     connection-string: ${env:AZURE_CONN}
 * </pre>
 *
 * The longest matching {@code uri} wins. Values may refer to environment variables with {@code
 * ${env:NAME}}, so secrets need not be written in the file.
 *
 * <p>Besides {@code uri} and {@code region}, an entry takes the store settings that the connector
 * of its URI's scheme declares ({@link ObjectStoreProvider#settings()}, listed in docs/STORES.md),
 * each checked against its declared type; anything else is refused, naming the line.
 */
public final class StoresFile {

  /** Keys of an entry that are not store settings. */
  private static final List<String> ENTRY_KEYS = List.of("uri", "region");

  /**
   * Store settings written under another name in an entry, because the entry's own key has their
   * name: {@code region} is the entry's region label, so the store setting {@code region} (the S3
   * signing region) is written {@code region-name}.
   */
  private static final Map<String, String> RENAMED = Map.of("region-name", "region");

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private record Entry(String uri, String region, StoreSettings settings) {}

  private final List<Entry> entries;

  private StoresFile(List<Entry> entries) {
    this.entries = entries;
  }

  public static StoresFile empty() {
    return new StoresFile(List.of());
  }

  public static StoresFile read(Path file, Map<String, String> env) {
    JsonNode root;
    YamlLines lines;
    try {
      lines = YamlLines.of(file);
      root = new ObjectMapper(ConfigYaml.factory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read stores file " + file + ": " + e.getMessage());
    }
    if (root == null || !root.path("stores").isArray()) {
      throw new IllegalArgumentException(
          "stores file " + file + " must have a top-level 'stores:' list");
    }
    List<Entry> entries = new ArrayList<>();
    int index = 0;
    for (JsonNode node : root.get("stores")) {
      String path = "stores[" + index++ + "]";
      String where = at(file, lines, path);
      if (!node.hasNonNull("uri")) {
        throw new IllegalArgumentException(where + " has no 'uri'");
      }
      String uri = node.get("uri").asText();
      ObjectStoreProvider provider;
      try {
        provider = ObjectStores.provider(StoreUri.parse(uri).scheme());
      } catch (IllegalArgumentException | InvalidStoreUriException e) {
        throw new IllegalArgumentException(
            at(file, lines, path + ".uri") + ": " + e.getMessage(), e);
      }
      String region = null;
      Map<String, String> settings = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String key = f.getKey();
        if (key.equals("uri")) {
          continue;
        }
        String keyAt = at(file, lines, path + "." + key);
        StoreSetting setting = null;
        if (!key.equals("region")) {
          setting =
              ObjectStores.setting(provider, RENAMED.getOrDefault(key, key))
                  .orElseThrow(
                      () -> new IllegalArgumentException(unknownKey(keyAt, uri, key, provider)));
        }
        if (f.getValue().isContainerNode()) {
          throw new IllegalArgumentException(
              keyAt
                  + ": expects "
                  + (setting == null ? "a region label" : setting.expected())
                  + ", got a "
                  + (f.getValue().isArray() ? "list" : "map"));
        }
        String value = expand(f.getValue().asText(), env, keyAt);
        if (setting == null) {
          region = value;
        } else {
          try {
            setting.check(value);
          } catch (IllegalArgumentException wrongType) {
            throw new IllegalArgumentException(keyAt + ": " + wrongType.getMessage(), wrongType);
          }
          settings.put(setting.name(), value);
        }
      }
      entries.add(new Entry(uri, region, StoreSettings.of(settings)));
    }
    return new StoresFile(entries);
  }

  /**
   * The error for a key that is neither an entry key nor a setting of the URI's store: the closest
   * known key when one is obviously meant, then all keys such an entry takes.
   */
  private static String unknownKey(
      String where, String uri, String key, ObjectStoreProvider provider) {
    Map<String, String> writtenAs = new HashMap<>();
    RENAMED.forEach((written, name) -> writtenAs.put(name, written));
    List<String> known = new ArrayList<>(ENTRY_KEYS);
    provider.settings().stream()
        .map(s -> writtenAs.getOrDefault(s.name(), s.name()))
        .sorted()
        .forEach(known::add);
    String closest = StoreSetting.closest(key, known);
    return where
        + " (uri "
        + uri
        + "): unknown key '"
        + key
        + "' for "
        + provider.scheme()
        + ":// stores"
        + (closest == null ? "" : " (did you mean '" + closest + "'?)")
        + "; known keys: "
        + String.join(", ", known);
  }

  /** Where {@code path} is, for errors: the file, the line and the key. */
  private static String at(Path file, YamlLines lines, String path) {
    return file + " line " + lines.lineOf(path) + " (" + path + ")";
  }

  private static String expand(String value, Map<String, String> env, String where) {
    Matcher m = ENV.matcher(value);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException(
            where + " refers to environment variable " + m.group(1) + ", which is not set");
      }
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** The location of {@code uri} with the settings and region of its best entry. */
  public StoreLocation locate(String uri, String defaultRegion) {
    StoreUri parsed = StoreUri.parse(uri);
    Entry best = null;
    String canonical = parsed.toString();
    for (Entry e : entries) {
      String base = StoreUri.parse(e.uri()).toString();
      if ((canonical.equals(base) || canonical.startsWith(base.endsWith("/") ? base : base + "/"))
          && (best == null || e.uri().length() > best.uri().length())) {
        best = e;
      }
    }
    StoreSettings settings = best == null ? StoreSettings.EMPTY : best.settings();
    String region = best != null && best.region() != null ? best.region() : defaultRegion;
    if (region == null) {
      region = parsed.scheme().equals("file") ? "local:disk" : "unknown";
    }
    return new StoreLocation(parsed, settings, region);
  }
}
