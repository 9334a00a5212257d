package io.skyrelay.gateway.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.skyrelay.gateway.namespace.NamespaceStatistics.Held;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one gateway (all its regions), in a registry of its own so that several gateways
 * in one process do not mix. Names start with {@code skyrelay_gateway_}:
 *
 * <ul>
 *   <li>{@code requests_total{region, operation, status}} and {@code request_seconds{region,
 *       operation}}: S3 requests each region's endpoint answered;
 *   <li>{@code received_bytes_total{region}}, {@code sent_bytes_total{region}}: bodies in and out;
 *   <li>{@code reads_total{region, served_from, kind}}: object reads answered, {@code kind} {@code
 *       hit} (a copy in the reader's region), {@code remote} (a copy in another region) or {@code
 *       other} (e.g. an archive tier);
 *   <li>{@code egress_bytes_total{from, to, cause}}: bytes between regions, for remote reads
 *       ({@code read}) and for copies placed by the policy ({@code replication});
 *   <li>{@code stored_bytes{region}}, {@code stored_objects{region}}: ready copies held;
 *   <li>{@code replicas_pending}: copies the policy asked for that are not ready yet;
 *   <li>{@code cost_usd_total{kind, region}}: the running cost priced with the region data: {@code
 *       storage} (accrued while bytes are held), {@code egress} (charged to the sending region) and
 *       {@code requests}.
 * </ul>
 */
public final class GatewayMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<String> regions;
  private final Prices prices;
  private final Counter requests;
  private final Histogram requestSeconds;
  private final Counter receivedBytes;
  private final Counter sentBytes;
  private final Counter reads;
  private final Counter egressBytes;
  private final Counter cost;
  private final LongSupplier clockNanos;
  private final Supplier<Map<String, Held>> stored;
  private Map<String, Held> held = Map.of();
  private long accruedAt;

  /**
   * @param regions the deployment's region labels
   * @param prices what traffic and storage cost
   * @param stored ready copies per region, asked at every scrape
   * @param pendingReplicas copies not ready yet, asked at every scrape
   */
  public GatewayMetrics(
      List<String> regions,
      Prices prices,
      Supplier<Map<String, Held>> stored,
      LongSupplier pendingReplicas) {
    this(regions, prices, stored, pendingReplicas, System::nanoTime);
  }

  /**
   * Metrics whose storage cost accrues by {@code clock} (the gateway's own: a replay's trace time
   * when a replay drives it) rather than by the machine's elapsed time.
   */
  public GatewayMetrics(
      List<String> regions,
      Prices prices,
      Supplier<Map<String, Held>> stored,
      LongSupplier pendingReplicas,
      Clock clock) {
    this(regions, prices, stored, pendingReplicas, () -> nanosOf(clock.instant()));
  }

  private static long nanosOf(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  GatewayMetrics(
      List<String> regions,
      Prices prices,
      Supplier<Map<String, Held>> stored,
      LongSupplier pendingReplicas,
      LongSupplier clockNanos) {
    this.regions = List.copyOf(regions);
    this.prices = prices;
    this.clockNanos = clockNanos;
    this.stored = stored;
    this.accruedAt = clockNanos.getAsLong();
    requests =
        Counter.builder()
            .name("skyrelay_gateway_requests_total")
            .help("S3 requests answered, by region endpoint, operation and HTTP status")
            .labelNames("region", "operation", "status")
            .register(registry);
    requestSeconds =
        Histogram.builder()
            .name("skyrelay_gateway_request_seconds")
            .help("Time to answer an S3 request, body included")
            .labelNames("region", "operation")
            .classicUpperBounds(
                0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .classicOnly()
            .register(registry);
    receivedBytes =
        Counter.builder()
            .name("skyrelay_gateway_received_bytes_total")
            .help("Request body bytes received, by region endpoint")
            .labelNames("region")
            .register(registry);
    sentBytes =
        Counter.builder()
            .name("skyrelay_gateway_sent_bytes_total")
            .help("Response body bytes sent, by region endpoint")
            .labelNames("region")
            .register(registry);
    reads =
        Counter.builder()
            .name("skyrelay_gateway_reads_total")
            .help(
                "Object reads answered, by the reader's region, the region (or tier) that served"
                    + " them, and kind: hit, remote or other")
            .labelNames("region", "served_from", "kind")
            .register(registry);
    egressBytes =
        Counter.builder()
            .name("skyrelay_gateway_egress_bytes_total")
            .help("Bytes sent between regions, by cause: read (a remote read) or replication")
            .labelNames("from", "to", "cause")
            .register(registry);
    cost =
        Counter.builder()
            .name("skyrelay_gateway_cost_usd_total")
            .help("Running cost in US dollars priced with the region data, by kind and region")
            .labelNames("kind", "region")
            .register(registry);
    GaugeWithCallback.builder()
        .name("skyrelay_gateway_stored_bytes")
        .help("Bytes of ready copies held, by region")
        .labelNames("region")
        .callback(
            cb -> {
              storedAndAccrue(stored).forEach((r, s) -> cb.call(s.bytes(), r));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("skyrelay_gateway_stored_objects")
        .help("Ready copies held, by region")
        .labelNames("region")
        .callback(cb -> stored.get().forEach((r, s) -> cb.call(s.copies(), r)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("skyrelay_gateway_replicas_pending")
        .help("Copies the placement policy asked for that are not ready yet")
        .callback(cb -> cb.call(pendingReplicas.getAsLong()))
        .register(registry);
    for (String r : this.regions) {
      cost.labelValues("storage", r);
      cost.labelValues("egress", r);
      cost.labelValues("requests", r);
    }
  }

  /** Reads what is held now, so the storage cost accrues from the start. */
  public void startAccruing() {
    storedAndAccrue(stored);
  }

  /** The registry, for an exporter or a test. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Records one answered S3 request.
   *
   * @param region the endpoint's region
   * @param operation the S3 operation name ({@code GetObject}, {@code PutObject}, ...)
   * @param servedFrom the region (or tier) that served an object read, or {@code null}
   */
  public void request(
      String region,
      String operation,
      int status,
      long received,
      long sent,
      long nanos,
      String servedFrom) {
    requests.labelValues(region, operation, Integer.toString(status)).inc();
    requestSeconds.labelValues(region, operation).observe(nanos / 1e9);
    if (received > 0) {
      receivedBytes.labelValues(region).inc(received);
    }
    if (sent > 0) {
      sentBytes.labelValues(region).inc(sent);
    }
    boolean write = isWriteClass(operation);
    String chargedRegion = servedFrom != null && regions.contains(servedFrom) ? servedFrom : region;
    if (!operation.startsWith("Delete") && !operation.startsWith("Abort")) {
      cost.labelValues("requests", chargedRegion).inc(prices.requestUsd(chargedRegion, write));
    }
    if (servedFrom == null || !operation.equals("GetObject") || status >= 300) {
      return;
    }
    if (servedFrom.equals(region)) {
      reads.labelValues(region, servedFrom, "hit").inc();
    } else if (regions.contains(servedFrom)) {
      reads.labelValues(region, servedFrom, "remote").inc();
      egress(servedFrom, region, sent, "read");
    } else {
      reads.labelValues(region, servedFrom, "other").inc();
    }
  }

  /** Records a copy the placement policy made from one region to another. */
  public void replicated(String from, String to, long bytes) {
    egress(from, to, bytes, "replication");
    cost.labelValues("requests", from).inc(prices.requestUsd(from, false));
    cost.labelValues("requests", to).inc(prices.requestUsd(to, true));
  }

  /**
   * Records a copy a read left in the reader's region (under a pull policy): one PUT there. Its
   * bytes crossed once, as the read's egress.
   */
  public void pulled(String region) {
    cost.labelValues("requests", region).inc(prices.requestUsd(region, true));
  }

  private void egress(String from, String to, long bytes, String cause) {
    egressBytes.labelValues(from, to, cause).inc(bytes);
    cost.labelValues("egress", from).inc(prices.egressUsdPerByte(from, to) * bytes);
  }

  /** Lists are priced as writes, as S3 prices them; gets and heads as reads. */
  private static boolean isWriteClass(String operation) {
    return !(operation.startsWith("Get") || operation.startsWith("Head"));
  }

  /**
   * Reads what is stored now and charges storage for the time since the last reading at what was
   * held then (the cost is as fine-grained as the scrapes).
   */
  private synchronized Map<String, Held> storedAndAccrue(Supplier<Map<String, Held>> stored) {
    Map<String, Held> now = new LinkedHashMap<>(stored.get());
    long t = clockNanos.getAsLong();
    double hours = (t - accruedAt) / 3.6e12;
    accruedAt = t;
    for (Map.Entry<String, Held> e : held.entrySet()) {
      double usd = e.getValue().bytes() * prices.storageUsdPerByteHour(e.getKey()) * hours;
      if (usd > 0) {
        cost.labelValues("storage", e.getKey()).inc(usd);
      }
    }
    held = now;
    return now;
  }

  /**
   * Serves the metrics at {@code http://host:port/metrics} (port 0: a free one) until closed.
   *
   * @return the running server; {@link HTTPServer#getPort()} gives the port
   */
  public HTTPServer serve(String host, int port) throws IOException {
    return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
  }

  /** The URL a scraper reads, given the server {@link #serve} started. */
  public static URI url(String host, HTTPServer server) {
    String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return URI.create("http://" + shown + ":" + server.getPort() + "/metrics");
  }
}
