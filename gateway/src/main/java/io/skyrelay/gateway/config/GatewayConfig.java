package io.skyrelay.gateway.config;

import io.skyrelay.gateway.namespace.NamespaceDatabase;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.regions.RegionData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * @param regionData the folder of the region data to price with (egress.csv and the others), or
 *     {@code null} for the data shipped with Skyrelay
 * @param lease how long this gateway's claim on its writes in progress holds without renewal; past
 *     it, another gateway sharing the namespace may roll them back
 * @param kafka when not {@code null}, replicas are made by the sync job from change events the
 *     gateway publishes on Kafka, rather than by the gateway's own threads
 */
public record GatewayConfig(
    String database,
    List<RegionConfig> regions,
    List<BucketConfig> buckets,
    String defaultPolicy,
    List<AccessKey> accessKeys,
    String regionData,
    Duration lease,
    KafkaReplication kafka) {

  /** The lease when the configuration gives none. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  public GatewayConfig {
    regions = List.copyOf(regions);
    buckets = List.copyOf(buckets);
    accessKeys = List.copyOf(accessKeys);
    lease = lease == null ? DEFAULT_LEASE : lease;
  }

  /** A configuration whose replicas the gateway makes itself. */
  public GatewayConfig(
      String database,
      List<RegionConfig> regions,
      List<BucketConfig> buckets,
      String defaultPolicy,
      List<AccessKey> accessKeys,
      String regionData,
      Duration lease) {
    this(database, regions, buckets, defaultPolicy, accessKeys, regionData, lease, null);
  }

  /** A copy whose replicas are made by the sync job, from change events on {@code kafka}. */
  public GatewayConfig withKafka(KafkaReplication kafka) {
    return new GatewayConfig(
        database, regions, buckets, defaultPolicy, accessKeys, regionData, lease, kafka);
  }

  /** A configuration with the default lease. */
  public GatewayConfig(
      String database,
      List<RegionConfig> regions,
      List<BucketConfig> buckets,
      String defaultPolicy,
      List<AccessKey> accessKeys,
      String regionData) {
    this(database, regions, buckets, defaultPolicy, accessKeys, regionData, DEFAULT_LEASE);
  }

  /** A configuration priced with the region data shipped with Skyrelay. */
  public GatewayConfig(
      String database,
      List<RegionConfig> regions,
      List<BucketConfig> buckets,
      String defaultPolicy,
      List<AccessKey> accessKeys,
      Duration lease) {
    this(database, regions, buckets, defaultPolicy, accessKeys, null, lease);
  }

  /** A copy with another lease. */
  public GatewayConfig withLease(Duration lease) {
    return new GatewayConfig(
        database, regions, buckets, defaultPolicy, accessKeys, regionData, lease, kafka);
  }

  /**
   * Whether the namespace is the embedded file database in a folder, which one process holds: then
   * every write pending when the gateway starts was cut off.
   */
  public boolean embeddedDatabase() {
    return !database.startsWith("jdbc:");
  }

  /** A configuration with the default lease, priced with the region data shipped. */
  public GatewayConfig(
      String database,
      List<RegionConfig> regions,
      List<BucketConfig> buckets,
      String defaultPolicy,
      List<AccessKey> accessKeys) {
    this(database, regions, buckets, defaultPolicy, accessKeys, null, DEFAULT_LEASE);
  }

  /** The region data to price with. */
  public RegionData regionDataOrBundled() {
    return RegionData.bundledOr(regionData == null ? null : Path.of(regionData));
  }

  /**
   * Prices between the regions, in configuration order, from the region data.
   *
   * @throws IllegalArgumentException when a region cannot be priced (see {@link
   *     RegionConfig#pricedAs})
   */
  public CostModel costModel() {
    RegionData data = regionDataOrBundled();
    List<String> labels = new ArrayList<>();
    List<String> pricedAs = new ArrayList<>();
    for (RegionConfig r : regions) {
      labels.add(r.label());
      pricedAs.add(r.pricedAs(data));
    }
    return new CostModel(data, labels, pricedAs);
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
        + ", regionData="
        + regionData
        + ", lease="
        + lease
        + ", kafka="
        + kafka
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
   * @param pricesAs the region of the region data whose prices and figures this region has, or
   *     {@code null}: its label's own
   */
  public record RegionConfig(
      String label,
      String host,
      int port,
      String store,
      Map<String, String> settings,
      String pricesAs) {
    public RegionConfig {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /** A region priced as its label says. */
    public RegionConfig(
        String label, String host, int port, String store, Map<String, String> settings) {
      this(label, host, port, store, settings, null);
    }

    /**
     * The region of {@code data} this region is priced as: {@code pricesAs}, else the label when
     * the data has it; {@code null} for a {@code local:} region without either (free to store in
     * and to read from).
     *
     * @throws IllegalArgumentException when that region is not in the data or has no storage
     *     prices, or a label that is not {@code local:} is not in the data
     */
    public String pricedAs(RegionData data) {
      String grid = pricesAs;
      if (grid == null) {
        if (label.startsWith("local:") && !data.regions().contains(label)) {
          return null;
        }
        if (!data.regions().contains(label)) {
          throw new IllegalArgumentException(
              label
                  + " is not a region of the region data: name one it has with prices-as (e.g."
                  + " prices-as: aws:us-east-1), or use a local:NAME label");
        }
        grid = label;
      }
      data.check(grid);
      data.storagePrice(grid);
      return grid;
    }
  }

  /**
   * A virtual bucket and the placement policy of its objects.
   *
   * @param archive its archive tier, or {@code null} for none
   */
  public record BucketConfig(String name, String policy, ArchiveConfig archive) {
    public BucketConfig(String name, String policy) {
      this(name, policy, null);
    }
  }

  /**
   * A bucket's archive tier: where objects archived out of it are read from.
   *
   * @param store the archive store URI; an object's key in it is the URI's prefix plus the object
   *     key (the layout the sync job's archive mode writes)
   * @param settings connection settings of the store
   * @param restore whether a complete GET of an archived object stores it in the hot tier again
   */
  public record ArchiveConfig(String store, Map<String, String> settings, boolean restore) {
    public ArchiveConfig {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
  }

  /**
   * Replication through the sync job: for each replica a policy asks for, the gateway publishes an
   * S3 event notification of the source copy on the topic of the replica's region ({@link
   * #topicFor}); a sync job with one mapping per pair of regions (source: one region's store,
   * replica: another's, topic: the latter's) copies it, and the gateway marks the replica ready
   * once it finds it in the region's store with the version's size and MD5.
   *
   * @param bootstrapServers the Kafka cluster
   * @param topicPrefix topics are this, a dot and the region label with characters other than
   *     letters, digits, '.', '_' and '-' replaced by '-'
   * @param producer further Kafka producer settings (security, ...)
   * @param verifyEvery how often published replicas are looked for in their region's store
   * @param republishAfter a replica not found after this long is published again
   */
  public record KafkaReplication(
      String bootstrapServers,
      String topicPrefix,
      Map<String, String> producer,
      Duration verifyEvery,
      Duration republishAfter) {

    public static final Duration DEFAULT_VERIFY_EVERY = Duration.ofMillis(500);
    public static final Duration DEFAULT_REPUBLISH_AFTER = Duration.ofMinutes(5);

    public KafkaReplication {
      producer = producer == null ? Map.of() : Map.copyOf(producer);
      verifyEvery = verifyEvery == null ? DEFAULT_VERIFY_EVERY : verifyEvery;
      republishAfter = republishAfter == null ? DEFAULT_REPUBLISH_AFTER : republishAfter;
    }

    /** Replication through {@code bootstrapServers}, topics {@code topicPrefix.<region>}. */
    public KafkaReplication(String bootstrapServers, String topicPrefix) {
      this(bootstrapServers, topicPrefix, Map.of(), null, null);
    }

    /** The topic of the change events whose copies go to {@code region}. */
    public String topicFor(String region) {
      return topicPrefix + "." + region.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    @Override
    public String toString() {
      return "KafkaReplication[bootstrapServers="
          + bootstrapServers
          + ", topicPrefix="
          + topicPrefix
          + ", producer="
          + producer.keySet()
          + "]";
    }
  }

  /** An access key pair; the secret never appears in {@link #toString()}. */
  public record AccessKey(String id, String secret) {
    @Override
    public String toString() {
      return "AccessKey[id=" + id + ", secret=****]";
    }
  }
}
