package io.skyrelay.gateway;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.archive.ArchiveTiers;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.metrics.GatewayMetrics;
import io.skyrelay.gateway.metrics.ModelPrices;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.NamespaceStatistics;
import io.skyrelay.gateway.namespace.PulledCopies;
import io.skyrelay.gateway.placement.Evictor;
import io.skyrelay.gateway.placement.Placement;
import io.skyrelay.gateway.placement.RegionStore;
import io.skyrelay.gateway.placement.Replicator;
import io.skyrelay.gateway.s3.RegionEndpoint;
import io.skyrelay.gateway.s3.VirtualBucketStore;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A running gateway: one S3 endpoint per configured region, all serving the same virtual buckets
 * from one namespace. Closing it stops the endpoints, the placement (copies being stored by reads
 * finish), the evictor, the replication and the database, in that order.
 */
public final class Gateway implements AutoCloseable {

  private final GatewayConfig config;
  private final JdbcConnectionPool pool;
  private final Namespace namespace;
  private final Map<String, RegionStore> regions;
  private final Replicator replicator;
  private final Map<String, RegionEndpoint> endpoints;
  private final GatewayMetrics metrics;
  private HTTPServer metricsServer;
  private ArchiveTiers archives = ArchiveTiers.none();
  private Placement placement;
  private Evictor evictor;

  /** How often the evictor looks for copies to evict. */
  public static final Duration EVICTION_PERIOD = Duration.ofMinutes(1);

  private Gateway(
      GatewayConfig config,
      JdbcConnectionPool pool,
      Namespace namespace,
      Map<String, RegionStore> regions,
      Replicator replicator,
      Map<String, RegionEndpoint> endpoints,
      GatewayMetrics metrics) {
    this.config = config;
    this.pool = pool;
    this.namespace = namespace;
    this.regions = regions;
    this.replicator = replicator;
    this.endpoints = endpoints;
    this.metrics = metrics;
  }

  /** Starts a gateway: database migrated, stores opened, buckets created, endpoints listening. */
  public static Gateway start(GatewayConfig config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a gateway whose copy deadlines are set and checked by {@code clock} (a test's own clock
   * decides when copies expire).
   */
  public static Gateway start(GatewayConfig config, Clock clock) throws Exception {
    if (!config.database().startsWith("jdbc:")) {
      Files.createDirectories(Path.of(config.database()));
    }
    JdbcConnectionPool pool = JdbcConnectionPool.create(config.jdbcUrl(), "sa", "");
    pool.setMaxConnections(64);
    Map<String, RegionStore> regions = new LinkedHashMap<>();
    Map<String, RegionEndpoint> endpoints = new LinkedHashMap<>();
    Replicator replicator = null;
    GatewayMetrics metrics;
    ArchiveTiers archives = ArchiveTiers.none();
    Evictor evictor = null;
    Placement placement = null;
    try {
      Namespace namespace = Namespace.open(pool);
      List<String> labels = new ArrayList<>();
      for (RegionConfig r : config.regions()) {
        StoreUri uri = StoreUri.parse(r.store());
        if (uri.scheme().equals("file")) {
          Files.createDirectories(Path.of(uri.container()));
        }
        StoreLocation location = new StoreLocation(uri, StoreSettings.of(r.settings()), r.label());
        ObjectStore store = location.open();
        regions.put(r.label(), new RegionStore(r.label(), location, store));
        namespace.putRegion(r.label(), uri.toString());
        labels.add(r.label());
      }
      for (BucketConfig b : config.buckets()) {
        namespace.createBucket(b.name(), b.policy());
      }
      replicator = new Replicator(namespace, regions, 4);
      CostModel costModel = config.costModel();
      NamespaceStatistics statistics = new NamespaceStatistics(pool);
      metrics =
          new GatewayMetrics(
              labels,
              new ModelPrices(costModel),
              statistics::heldByRegion,
              statistics::pendingReplicas);
      replicator.onCopied(metrics::replicated);
      metrics.startAccruing();
      // The embedded database is this process's alone: every write pending now was cut off.
      replicator.start(Instant.now());
      archives = ArchiveTiers.open(config.buckets(), pool, namespace, regions);
      PulledCopies pulled = new PulledCopies(pool);
      evictor = new Evictor(namespace, pulled, replicator, labels, clock);
      placement = new Placement(labels, costModel, clock, regions, pulled, evictor);
      evictor.start(EVICTION_PERIOD);
      for (RegionConfig r : config.regions()) {
        VirtualBucketStore store =
            new VirtualBucketStore(
                r.label(),
                namespace,
                regions,
                labels,
                replicator,
                config.defaultPolicy(),
                placement,
                archives);
        endpoints.put(
            r.label(),
            RegionEndpoint.start(
                r.label(), r.host(), r.port(), store, config.accessKeys(), metrics));
      }
      Gateway g = new Gateway(config, pool, namespace, regions, replicator, endpoints, metrics);
      g.archives = archives;
      g.placement = placement;
      g.evictor = evictor;
      return g;
    } catch (Exception | Error e) {
      endpoints.values().forEach(RegionEndpoint::close);
      archives.close();
      if (placement != null) {
        placement.close();
      }
      if (evictor != null) {
        evictor.close();
      }
      if (replicator != null) {
        replicator.close();
      }
      regions.values().forEach(r -> r.store().close());
      pool.dispose();
      throw e;
    }
  }

  /**
   * The configuration of the demo: two regions over folders under {@code dir}, on free loopback
   * ports, one {@code replicate-all} bucket named {@code demo}, and a fresh random key.
   */
  public static GatewayConfig demoConfig(Path dir) {
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[20];
    random.nextBytes(secret);
    String id = "SKYRELAYDEMO" + HexFormat.of().formatHex(secret, 0, 4).toUpperCase();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GatewayConfig(
        dir.resolve("namespace").toString(),
        List.of(
            new RegionConfig(
                "local:east", "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
            new RegionConfig(
                "local:west", "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
        List.of(new BucketConfig("demo", "replicate-all")),
        "replicate-all",
        List.of(new AccessKey(id, HexFormat.of().formatHex(secret))));
  }

  public GatewayConfig config() {
    return config;
  }

  /** The namespace the endpoints share. */
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Aborts the multipart uploads begun before {@code cutoff} (done hourly for those older than
   * {@link Replicator#UPLOAD_LIFETIME}).
   *
   * @return how many were aborted
   */
  public int abandonUploadsBefore(Instant cutoff) {
    return replicator.abandonUploadsBefore(cutoff);
  }

  /**
   * Evicts now what the buckets' policies no longer keep (copies past their deadline, LRU
   * overflow), as the evictor does every {@link #EVICTION_PERIOD}, and removes their bytes.
   *
   * @return how many copies were evicted
   */
  public int evictNow() {
    return evictor.evictNow();
  }

  /** The endpoint of each region, in configuration order. */
  public Map<String, URI> endpoints() {
    Map<String, URI> out = new LinkedHashMap<>();
    endpoints.forEach((label, e) -> out.put(label, e.uri()));
    return out;
  }

  /** The endpoint of one region. */
  public URI endpoint(String region) {
    RegionEndpoint e = endpoints.get(region);
    if (e == null) {
      throw new IllegalArgumentException(
          "no region " + region + "; regions: " + endpoints.keySet());
    }
    return e.uri();
  }

  /** The gateway's metrics. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /**
   * Serves the metrics for Prometheus at {@code http://host:port/metrics} (port 0: a free one)
   * until the gateway closes.
   *
   * @return the URL to scrape
   */
  public synchronized URI serveMetrics(String host, int port) throws IOException {
    if (metricsServer != null) {
      throw new IllegalStateException("the metrics are served already");
    }
    metricsServer = metrics.serve(host, port);
    return GatewayMetrics.url(host, metricsServer);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (metricsServer != null) {
        metricsServer.close();
      }
    }
    endpoints.values().forEach(RegionEndpoint::close);
    archives.close();
    placement.close();
    evictor.close();
    replicator.close();
    regions.values().forEach(r -> r.store().close());
    pool.dispose();
  }
}
