package io.skyrelay.pipelines.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.util.Set;
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
 */
public final class StoresFile {

  static final Set<String> SETTINGS =
      Set.of(
          "endpoint",
          "region-name",
          "path-style",
          "access-key-id",
          "secret-access-key",
          "session-token",
          "profile",
          "max-connections",
          "sign-payload",
          "direct-requests",
          "connection-string",
          "account-key",
          "sas-token",
          "project-id",
          "credentials-file");

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
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      lines = YamlLines.of(file);
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
      try {
        StoreUri.parse(uri);
      } catch (IllegalArgumentException | io.skyrelay.connectors.InvalidStoreUriException e) {
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
        String value = expand(f.getValue().asText(), env, at(file, lines, path + "." + key));
        if (key.equals("region")) {
          region = value;
        } else if (SETTINGS.contains(key)) {
          settings.put(key.equals("region-name") ? "region" : key, value);
        } else {
          throw new IllegalArgumentException(
              at(file, lines, path + "." + key)
                  + " (uri "
                  + uri
                  + "): unknown key '"
                  + key
                  + "'; known keys: uri, region, "
                  + String.join(", ", new java.util.TreeSet<>(SETTINGS)));
        }
      }
      entries.add(new Entry(uri, region, StoreSettings.of(settings)));
    }
    return new StoresFile(entries);
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
