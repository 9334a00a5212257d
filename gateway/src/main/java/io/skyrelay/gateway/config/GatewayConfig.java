package io.skyrelay.gateway.config;

import io.skyrelay.gateway.namespace.NamespaceDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A checked gateway configuration.
 *
 * @param database the folder of the embedded namespace database, or a {@code jdbc:} URL
 * @param regions the regions, one S3 listener each, in the order the file gives them
 * @param buckets virtual buckets created at start when missing
 * @param defaultPolicy the placement policy of buckets created through the S3 API
 * @param accessKeys the keys requests must be signed with
 * @param lease how long this gateway's claim on its writes in progress holds without renewal; past
 *     it, another gateway sharing the namespace may roll them back
 */
public record GatewayConfig(
    String database,
    List<RegionConfig> regions,
    List<BucketConfig> buckets,
    String defaultPolicy,
    List<AccessKey> accessKeys,
    Duration lease) {

  /** The lease when the configuration gives none. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  public GatewayConfig {
    regions = List.copyOf(regions);
    buckets = List.copyOf(buckets);
    accessKeys = List.copyOf(accessKeys);
    lease = lease == null ? DEFAULT_LEASE : lease;
  }

  /** A configuration with the default lease. */
  public GatewayConfig(
      String database,
      List<RegionConfig> regions,
      List<BucketConfig> buckets,
      String defaultPolicy,
      List<AccessKey> accessKeys) {
    this(database, regions, buckets, defaultPolicy, accessKeys, DEFAULT_LEASE);
  }

  /** A copy with another lease. */
  public GatewayConfig withLease(Duration lease) {
    return new GatewayConfig(database, regions, buckets, defaultPolicy, accessKeys, lease);
  }

  /**
   * Whether the namespace is the embedded file database in a folder, which one process holds: then
   * every write pending when the gateway starts was cut off.
   */
  public boolean embeddedDatabase() {
    return !database.startsWith("jdbc:");
  }

  /** The JDBC URL of the namespace: an embedded H2 file database unless a URL is given. */
  public String jdbcUrl() {
    if (database.startsWith("jdbc:")) {
      return database;
    }
    // Commits to one bucket wait for each other's lock on its row: give them longer than H2's
    // default second on a loaded machine.
    return "jdbc:h2:file:"
        + Path.of(database).toAbsolutePath().resolve("namespace")
        + ";LOCK_TIMEOUT=10000";
  }

  @Override
  public String toString() {
    return "GatewayConfig[database="
        + NamespaceDatabase.redact(database)
        + ", regions="
        + regions
        + ", buckets="
        + buckets
        + ", defaultPolicy="
        + defaultPolicy
        + ", accessKeys="
        + accessKeys
        + ", lease="
        + lease
        + "]";
  }

  /**
   * One region: its label, where its S3 endpoint listens, and the store holding its copies.
   *
   * @param label the region label ({@code aws:us-east-1}, {@code local:east})
   * @param host the address to listen on
   * @param port the port to listen on; 0 picks a free one
   * @param store the physical store URI ({@code file://}, {@code s3://}, {@code az://}, {@code
   *     gs://})
   * @param settings connection settings of the store (endpoint, credentials)
   */
  public record RegionConfig(
      String label, String host, int port, String store, Map<String, String> settings) {
    public RegionConfig {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
  }

  /** A virtual bucket and the placement policy of its objects. */
  public record BucketConfig(String name, String policy) {}

  /** An access key pair; the secret never appears in {@link #toString()}. */
  public record AccessKey(String id, String secret) {
    @Override
    public String toString() {
      return "AccessKey[id=" + id + ", secret=****]";
    }
  }
}
