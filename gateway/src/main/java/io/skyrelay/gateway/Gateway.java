package io.skyrelay.gateway;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.archive.ArchiveTiers;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.metrics.GatewayMetrics;
import io.skyrelay.gateway.metrics.ModelPrices;
import io.skyrelay.gateway.namespace.Leases;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.NamespaceDatabase;
import io.skyrelay.gateway.namespace.NamespaceException;
import io.skyrelay.gateway.namespace.NamespaceStatistics;
import io.skyrelay.gateway.namespace.PulledCopies;
import io.skyrelay.gateway.placement.Evictor;
import io.skyrelay.gateway.placement.Placement;
import io.skyrelay.gateway.placement.RegionStore;
import io.skyrelay.gateway.placement.Replicator;
import io.skyrelay.gateway.placement.Sweeper;
import io.skyrelay.gateway.s3.RegionEndpoint;
import io.skyrelay.gateway.s3.VirtualBucketStore;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running gateway: one S3 endpoint per configured region, all serving the same virtual buckets
 *
 * <p>from one namespace. Closing it stops the endpoints, the placement (copies being stored by
 * reads finish), the evictor, the replication and the database, in that order.
 *
 * <p>Each gateway process holds a lease in the namespace database under an id of its own, and the
 * writes it begins are its own: several gateways can share one namespace (PostgreSQL), and a write
 * left pending is rolled back only once its gateway's lease has expired (see {@link Leases}).
 */
public final class Gateway implements AutoCloseable {

  private final GatewayConfig config;
  private final NamespaceDatabase database;
  private final Namespace namespace;
  private final Map<String, RegionStore> regions;
  private final Replicator replicator;
  private final Sweeper sweeper;
  private final Map<String, RegionEndpoint> endpoints;
  private final GatewayMetrics metrics;
  private NamespaceStatistics statistics;
  private HTTPServer metricsServer;
  private ArchiveTiers archives = ArchiveTiers.none();
  private Placement placement;
  private Evictor evictor;

  /** How often the evictor looks for copies to evict. */
  public static final Duration EVICTION_PERIOD = Duration.ofMinutes(1);

  private final AtomicBoolean stopped = new AtomicBoolean();

  private Gateway(
      GatewayConfig config,
      NamespaceDatabase database,
      Namespace namespace,
      Map<String, RegionStore> regions,
      Replicator replicator,
      Sweeper sweeper,
      Map<String, RegionEndpoint> endpoints,
      GatewayMetrics metrics) {
    this.config = config;
    this.database = database;
    this.namespace = namespace;
    this.regions = regions;
    this.replicator = replicator;
    this.sweeper = sweeper;
    this.endpoints = endpoints;
    this.metrics = metrics;
  }

  /** Starts a gateway: database migrated, stores opened, buckets created, endpoints listening. */
  public static Gateway start(GatewayConfig config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a gateway whose copy deadlines and leases (its own, and its judgement of other
   * gateways') go by {@code clock} (a test's own clock decides when copies and leases expire).
   */
  public static Gateway start(GatewayConfig config, Clock clock) throws Exception {
    if (config.embeddedDatabase()) {
      Files.createDirectories(Path.of(config.database()));
    }
    NamespaceDatabase database = NamespaceDatabase.open(config.jdbcUrl());
    Map<String, RegionStore> regions = new LinkedHashMap<>();
    Map<String, RegionEndpoint> endpoints = new LinkedHashMap<>();
    Replicator replicator = null;
    Sweeper sweeper = null;
    GatewayMetrics metrics;
    ArchiveTiers archives = ArchiveTiers.none();
    Evictor evictor = null;
    Placement placement = null;
    try {
      String id = UUID.randomUUID().toString().replace("-", "");
      Namespace namespace = Namespace.open(database.dataSource(), id);
      Leases leases = new Leases(database.dataSource(), clock, config.lease());
      if (config.embeddedDatabase()) {
        // The embedded database is this process's alone: no other gateway that held a lease in it
        // is alive, and every write pending now was cut off.
        leases.dropAllBut(id);
      }
      String holder = holder();
      leases.acquire(id, holder);
      List<String> labels = new ArrayList<>();
      for (RegionConfig r : config.regions()) {
        StoreUri uri = StoreUri.parse(r.store());
        if (uri.scheme().equals("file")) {
          Files.createDirectories(Path.of(uri.container()));
        }
        StoreLocation location = new StoreLocation(uri, StoreSettings.of(r.settings()), r.label());
        regions.put(r.label(), RegionStore.open(r.label(), location));
        againOnce(() -> namespace.putRegion(r.label(), uri.toString()));
        labels.add(r.label());
      }
      for (BucketConfig b : config.buckets()) {
        againOnce(() -> namespace.createBucket(b.name(), b.policy()));
      }
      replicator = new Replicator(namespace, regions, 4);
      if (config.kafka() != null) {
        replicator.throughKafka(config.kafka());
      }
      CostModel costModel = config.costModel();
      NamespaceStatistics statistics = new NamespaceStatistics(database.dataSource());
      metrics =
          new GatewayMetrics(
              labels,
              new ModelPrices(costModel),
              statistics::heldByRegion,
              statistics::pendingReplicas,
              clock);
      replicator.onCopied(metrics::replicated);
      metrics.startAccruing();
      replicator.start();
      sweeper = new Sweeper(namespace, leases, holder, regions, replicator);
      sweeper.start();
      archives = ArchiveTiers.open(config.buckets(), database.dataSource(), namespace, regions);
      PulledCopies pulled = new PulledCopies(database.dataSource());
      evictor = new Evictor(namespace, pulled, replicator, labels, clock);
      placement = new Placement(labels, costModel, clock, regions, pulled, evictor);
      placement.onPulled(metrics::pulled);
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
      Gateway g =
          new Gateway(
              config, database, namespace, regions, replicator, sweeper, endpoints, metrics);
      g.archives = archives;
      g.placement = placement;
      g.evictor = evictor;
      g.statistics = statistics;
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
      if (sweeper != null) {
        sweeper.close();
      }
      if (replicator != null) {
        replicator.close();
      }
      regions.values().forEach(r -> r.store().close());
      database.close();
      throw e;
    }
  }

  /**
   * Runs {@code step}, and once more if it fails: gateways starting at the same time on one
   * database may both insert the same region or bucket, and the loser's second try finds the row.
   */
  private static void againOnce(Runnable step) {
    try {
      step.run();
    } catch (NamespaceException e) {
      step.run();
    }
  }

  /** Host name and process id, to tell operators which process holds a lease. */
  private static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host + " pid " + ProcessHandle.current().pid();
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

  /**
   * Sweeps the namespace now (done at the start and every half lease): rolls back the writes of
   * gateways whose lease expired, and takes over the replicas they owed.
   */
  public Sweeper.Result sweep() {
    return sweeper.sweep();
  }

  /**
   * Copies of ready versions not ready yet: replicas the policy asked for and copies reads are
   * leaving. Once it is 0, every copy begun so far is ready (or was given up).
   */
  public long copiesPending() {
    return statistics.pendingReplicas();
  }

  /**
   * The earliest deadline of a copy the evictor will remove (a copy a read placed under a TTL
   * policy), if any: a replay that drives the gateway's clock steps it there to evict on time.
   */
  public Optional<Instant> nextCopyDeadline() {
    return statistics.nextDeadline();
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

  /**
   * Stops: endpoints first (requests in progress fail and roll their writes back), then the
   * replication, then the lease is given up, so other gateways may resolve at once what this one
   * left.
   */
  @Override
  public void close() {
    if (!stop()) {
      return;
    }
    endpoints.values().forEach(RegionEndpoint::close);
    archives.close();
    placement.close();
    evictor.close();
    replicator.close();
    sweeper.close();
    regions.values().forEach(r -> r.store().close());
    database.close();
  }

  /** True the first time it is called: stopping happens once (the metrics server too). */
  private boolean stop() {
    if (!stopped.compareAndSet(false, true)) {
      return false;
    }
    synchronized (this) {
      if (metricsServer != null) {
        metricsServer.close();
      }
    }
    return true;
  }

  /**
   * Stops as a killed process would: the database first, so that nothing in progress is rolled back
   * or recorded, and the lease kept, to expire on its own. For tests of what other gateways do
   * about a gateway that died.
   */
  void halt() {
    if (!stop()) {
      return;
    }
    sweeper.stop();
    database.close();
    endpoints.values().forEach(RegionEndpoint::close);
    archives.close();
    placement.close();
    evictor.close();
    replicator.close();
    regions.values().forEach(r -> r.store().close());
  }
}
