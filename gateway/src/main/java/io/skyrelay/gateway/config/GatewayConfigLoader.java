package io.skyrelay.gateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.ArchiveConfig;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.namespace.BucketNames;
import io.skyrelay.gateway.placement.PlacementPolicies;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a gateway configuration from YAML:
 *
 * <pre>
 * database: /var/lib/skyrelay-gateway      # folder of the embedded database, or a jdbc: URL
 * lease: 30s                               # how long a gateway's writes stay its own unrenewed
 * default-policy: replicate-all            # for buckets created through the S3 API
 * regions:
 *   - label: local:east
 *     listen: 127.0.0.1:9001
 *     store: file:///data/east
 *     settings: {}                         # the store's connection settings, if any
 * buckets:
 *   - name: photos
 *     policy: replicate-all
 *     archive:                             # optional: the archive tier (or just its URI)
 *       store: s3://photos-archive/originals
 *       restore: true                      # a complete GET brings the object back
 * access-keys:
 *   - id: AKIDEXAMPLE
 *     secret: wJalrXUtnFEMI
 * region-data: ./regions                   # optional: prices (egress.csv...) instead of the shipped
 * replication:                             # optional: replicas made by the sync job, via Kafka
 *   kafka:
 *     bootstrap-servers: kafka:9092
 *     topic-prefix: skyrelay-gateway         # topics skyrelay-gateway.&lt;region&gt;
 *     producer: {}                           # further producer settings (security...)
 *     republish-after: 5m                    # a replica not found after this is published again
 * </pre>
 *
 * A region may say whose prices it has ({@code prices-as: aws:us-east-1}); otherwise its label
 * names a region of the region data, or it is a {@code local:} region, priced as free.
 *
 * <p>Unknown keys are errors (a misspelt key would otherwise be silently ignored); every error
 * names the key it is about, as in {@code regions[1].listen}.
 */
public final class GatewayConfigLoader {

  private static final Set<String> TOP =
      Set.of(
          "database",
          "lease",
          "default-policy",
          "regions",
          "buckets",
          "access-keys",
          "region-data",
          "replication");
  private static final Set<String> REPLICATION = Set.of("kafka");
  private static final Set<String> KAFKA =
      Set.of("bootstrap-servers", "topic-prefix", "producer", "republish-after");
  private static final Set<String> REGION =
      Set.of("label", "listen", "store", "settings", "prices-as");
  private static final Set<String> BUCKET = Set.of("name", "policy", "archive");
  private static final Set<String> ARCHIVE = Set.of("store", "settings", "restore");
  private static final Set<String> KEY = Set.of("id", "secret");

  private GatewayConfigLoader() {}

  /** Reads and checks {@code file}; a relative database folder is taken relative to the file. */
  public static GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read the gateway config " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base);
  }

  /**
   * Parses and checks YAML text; relative database folders are resolved against {@code base}. An
   * error about a key that the text has names its line.
   */
  public static GatewayConfig parse(String yaml, Path base) {
    try {
      return parseUnlocated(yaml, base);
    } catch (ConfigException e) {
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      if (colon > 0 && !message.startsWith("the gateway config")) {
        Integer line = lines(yaml).get(pointer(message.substring(0, colon)));
        if (line != null) {
          throw new ConfigException(
              message.substring(0, colon) + " (line " + line + ")" + message.substring(colon), e);
        }
      }
      throw e;
    }
  }

  /** {@code regions[1].listen} as a JSON pointer, {@code /regions/1/listen}. */
  private static String pointer(String keyPath) {
    return "/" + keyPath.replace("[", ".").replace("]", "").replace('.', '/');
  }

  /** The line of every key and value in {@code yaml}, by JSON pointer. */
  private static Map<String, Integer> lines(String yaml) {
    Map<String, Integer> out = new java.util.HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      while (p.nextToken() != null) {
        String at = p.getParsingContext().pathAsPointer().toString();
        out.putIfAbsent(at, p.currentLocation().getLineNr());
      }
    } catch (IOException e) {
      // the text parsed before; if it does not now, errors go without lines
    }
    return out;
  }

  private static GatewayConfig parseUnlocated(String yaml, Path base) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "the gateway config is not valid YAML (line "
              + e.getLocation().getLineNr()
              + "): "
              + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("the gateway config must be a mapping with keys " + TOP);
    }
    onlyKeys(root, TOP, "");

    String database = text(root, "database", "", false);
    if (database == null) {
      database = "gateway-data";
    }
    if (!database.startsWith("jdbc:")) {
      database = base.resolve(database).normalize().toString();
    } else if (!database.startsWith("jdbc:h2:") && !database.startsWith("jdbc:postgresql:")) {
      int colon = database.indexOf(':', 5);
      throw new ConfigException(
          "database: give a folder for the embedded database, a jdbc:postgresql://host:port/db URL"
              + " or a jdbc:h2: URL, got "
              + (colon < 0 ? "jdbc:..." : database.substring(0, colon + 1) + "..."));
    }
    Duration lease = duration(text(root, "lease", "", false), "lease");

    String regionDataDir = text(root, "region-data", "", false);
    RegionData regionData;
    try {
      if (regionDataDir != null) {
        regionDataDir = base.resolve(regionDataDir).normalize().toString();
      }
      regionData = RegionData.bundledOr(regionDataDir == null ? null : Path.of(regionDataDir));
    } catch (RuntimeException e) {
      throw new ConfigException("region-data: " + e.getMessage());
    }

    List<RegionConfig> regions = new ArrayList<>();
    Set<String> labels = new LinkedHashSet<>();
    Set<String> listens = new HashSet<>();
    JsonNode rs = root.get("regions");
    if (rs == null || !rs.isArray() || rs.isEmpty()) {
      throw new ConfigException("regions: give at least one region (label, listen, store)");
    }
    for (int i = 0; i < rs.size(); i++) {
      String at = "regions[" + i + "]";
      JsonNode r = rs.get(i);
      if (!r.isObject()) {
        throw new ConfigException(at + ": expected a mapping with keys " + REGION);
      }
      onlyKeys(r, REGION, at + ".");
      String label = text(r, "label", at + ".", true);
      if (!label.matches("[A-Za-z0-9][A-Za-z0-9:._-]{0,99}")) {
        throw new ConfigException(
            at
                + ".label: '"
                + label
                + "' is not a region label such as aws:us-east-1 or local:east");
      }
      if (!labels.add(label)) {
        throw new ConfigException(at + ".label: region " + label + " is given twice");
      }
      String listen = text(r, "listen", at + ".", true);
      int colon = listen.lastIndexOf(':');
      int port;
      try {
        port = colon < 1 ? -1 : Integer.parseInt(listen.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw new ConfigException(
            at + ".listen: '" + listen + "' is not host:port (for example 127.0.0.1:9001)");
      }
      if (port != 0 && !listens.add(listen)) {
        throw new ConfigException(at + ".listen: " + listen + " is used by another region");
      }
      String store = text(r, "store", at + ".", true);
      try {
        StoreUri.parse(store);
      } catch (InvalidStoreUriException e) {
        throw new ConfigException(at + ".store: " + e.getMessage());
      }
      Map<String, String> settings = settings(r.get("settings"), at + ".settings");
      String pricesAs = text(r, "prices-as", at + ".", false);
      RegionConfig region =
          new RegionConfig(label, listen.substring(0, colon), port, store, settings, pricesAs);
      try {
        region.pricedAs(regionData);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            at + (pricesAs == null ? ".label: " : ".prices-as: ") + e.getMessage());
      }
      regions.add(region);
    }

    String defaultPolicy = text(root, "default-policy", "", false);
    if (defaultPolicy == null) {
      defaultPolicy = "replicate-all";
    }
    checkPolicy(defaultPolicy, "default-policy", labels);

    List<BucketConfig> buckets = new ArrayList<>();
    JsonNode bs = root.get("buckets");
    Set<String> names = new HashSet<>();
    if (bs != null && !bs.isNull()) {
      if (!bs.isArray()) {
        throw new ConfigException("buckets: expected a list of buckets (name, policy)");
      }
      for (int i = 0; i < bs.size(); i++) {
        String at = "buckets[" + i + "]";
        JsonNode b = bs.get(i);
        if (!b.isObject()) {
          throw new ConfigException(at + ": expected a mapping with keys " + BUCKET);
        }
        onlyKeys(b, BUCKET, at + ".");
        String name = text(b, "name", at + ".", true);
        String problem = BucketNames.problem(name);
        if (problem != null) {
          throw new ConfigException(at + ".name: " + problem);
        }
        if (!names.add(name)) {
          throw new ConfigException(at + ".name: bucket " + name + " is given twice");
        }
        String policy = text(b, "policy", at + ".", false);
        policy = policy == null ? defaultPolicy : policy;
        checkPolicy(policy, at + ".policy", labels);
        buckets.add(new BucketConfig(name, policy, archive(b.get("archive"), at + ".archive")));
      }
    }

    List<AccessKey> keys = new ArrayList<>();
    JsonNode ks = root.get("access-keys");
    if (ks == null || !ks.isArray() || ks.isEmpty()) {
      throw new ConfigException(
          "access-keys: give at least one key (id, secret); requests are always authenticated");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ks.size(); i++) {
      String at = "access-keys[" + i + "]";
      JsonNode k = ks.get(i);
      if (!k.isObject()) {
        throw new ConfigException(at + ": expected a mapping with keys " + KEY);
      }
      onlyKeys(k, KEY, at + ".");
      String id = text(k, "id", at + ".", true);
      String secret = text(k, "secret", at + ".", true);
      if (!id.matches("[A-Za-z0-9._-]{3,128}")) {
        throw new ConfigException(
            at
                + ".id: '"
                + id
                + "' is not an access key id (3-128 letters, digits, '.', '_', '-')");
      }
      if (secret.length() < 8) {
        throw new ConfigException(at + ".secret: too short (at least 8 characters)");
      }
      if (!ids.add(id)) {
        throw new ConfigException(at + ".id: key " + id + " is given twice");
      }
      keys.add(new AccessKey(id, secret));
    }
    return new GatewayConfig(
        database,
        regions,
        buckets,
        defaultPolicy,
        keys,
        regionDataDir,
        lease,
        replication(root.get("replication"), regions));
  }

  /**
   * {@code replication.kafka}: the sync job makes the replicas. Its S3 event notifications name a
   * bucket, so every region's store must be on S3 (or an S3-compatible service).
   */
  private static GatewayConfig.KafkaReplication replication(
      JsonNode r, List<RegionConfig> regions) {
    if (r == null || r.isNull()) {
      return null;
    }
    if (!r.isObject()) {
      throw new ConfigException("replication: expected a mapping with keys " + REPLICATION);
    }
    onlyKeys(r, REPLICATION, "replication.");
    JsonNode k = r.get("kafka");
    if (k == null || !k.isObject()) {
      throw new ConfigException("replication.kafka: expected a mapping with keys " + KAFKA);
    }
    onlyKeys(k, KAFKA, "replication.kafka.");
    String servers = text(k, "bootstrap-servers", "replication.kafka.", true);
    String prefix = text(k, "topic-prefix", "replication.kafka.", false);
    prefix = prefix == null ? "skyrelay-gateway" : prefix;
    if (!prefix.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new ConfigException(
          "replication.kafka.topic-prefix: '"
              + prefix
              + "' is not a Kafka topic name (letters, digits, '.', '_', '-')");
    }
    Map<String, String> producer = settings(k.get("producer"), "replication.kafka.producer");
    Duration republish =
        duration(
            text(k, "republish-after", "replication.kafka.", false),
            "replication.kafka.republish-after");
    for (int i = 0; i < regions.size(); i++) {
      String scheme = StoreUri.parse(regions.get(i).store()).scheme();
      if (!scheme.equals("s3")) {
        throw new ConfigException(
            "regions["
                + i
                + "].store: replication through Kafka needs regions on S3 (the sync job reads"
                + " the gateway's S3 event notifications), not "
                + scheme
                + "://");
      }
    }
    return new GatewayConfig.KafkaReplication(servers, prefix, producer, null, republish);
  }

  /** A bucket's {@code archive}: a store URI, or a mapping with store, settings and restore. */
  private static ArchiveConfig archive(JsonNode a, String at) {
    if (a == null || a.isNull()) {
      return null;
    }
    String store;
    Map<String, String> settings = Map.of();
    boolean restore = false;
    if (a.isValueNode()) {
      store = a.asText().trim();
    } else if (a.isObject()) {
      onlyKeys(a, ARCHIVE, at + ".");
      store = text(a, "store", at + ".", true);
      settings = settings(a.get("settings"), at + ".settings");
      JsonNode r = a.get("restore");
      if (r != null && !r.isNull()) {
        if (!r.isBoolean()) {
          throw new ConfigException(at + ".restore: expected true or false");
        }
        restore = r.asBoolean();
      }
    } else {
      throw new ConfigException(at + ": expected a store URI or a mapping with keys " + ARCHIVE);
    }
    try {
      StoreUri.parse(store);
    } catch (InvalidStoreUriException e) {
      throw new ConfigException((a.isObject() ? at + ".store" : at) + ": " + e.getMessage());
    }
    return new ArchiveConfig(store, settings, restore);
  }

  private static Map<String, String> settings(JsonNode s, String at) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (s != null && !s.isNull()) {
      if (!s.isObject()) {
        throw new ConfigException(at + ": expected a mapping of setting to value");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode()) {
          throw new ConfigException(at + "." + e.getKey() + ": expected a plain value");
        }
        settings.put(e.getKey(), e.getValue().asText());
      }
    }
    return settings;
  }

  /** {@code 30s}, {@code 2m}, {@code 500ms} or a number of seconds; null when not given. */
  private static Duration duration(String text, String at) {
    if (text == null) {
      return null;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?").matcher(text);
    if (!m.matches()) {
      throw new ConfigException(
          at + ": '" + text + "' is not a duration (for example 30s, 2m, 500ms)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(at + ": " + text + " is too short (at least 1s)");
    }
    return d;
  }

  private static void checkPolicy(String spec, String at, Set<String> labels) {
    try {
      PlacementPolicies.parse(spec, List.copyOf(labels));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ": " + e.getMessage());
    }
  }

  private static void onlyKeys(JsonNode node, Set<String> allowed, String at) {
    for (Iterator<String> it = ((ObjectNode) node).fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new ConfigException(
            at + k + ": unknown key; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static String text(JsonNode node, String key, String at, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new ConfigException(at + key + ": missing");
      }
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw new ConfigException(at + key + ": expected a non-empty text value");
    }
    return v.asText().trim();
  }
}
