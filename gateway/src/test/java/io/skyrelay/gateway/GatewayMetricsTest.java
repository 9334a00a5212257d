package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The gateway's Prometheus metrics, scraped over HTTP as Prometheus would, after traffic whose
 * counts and bytes the test knows: writes, a remote read, a hit, a replica, a miss.
 */
class GatewayMetricsTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY = new AccessKey("METRICSTESTKEY", "metrics-test-secret-4q");

  @TempDir static Path dir;
  private static Gateway gateway;
  private static S3Client east;
  private static S3Client west;
  private static URI metrics;

  @BeforeAll
  static void start() throws Exception {
    gateway =
        Gateway.start(
            new GatewayConfig(
                dir.resolve("db").toString(),
                List.of(
                    new RegionConfig(
                        EAST, "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
                    new RegionConfig(
                        WEST, "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
                List.of(
                    new BucketConfig("everywhere", "replicate-all"),
                    new BucketConfig("home-only", "pull-evict")),
                "replicate-all",
                List.of(KEY)));
    east = GatewayS3Test.client(gateway.endpoint(EAST), KEY.secret(), KEY.id());
    west = GatewayS3Test.client(gateway.endpoint(WEST), KEY.secret(), KEY.id());
    metrics = gateway.serveMetrics("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (east != null) {
      east.close();
      west.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void countsRequestsBytesHitsRemoteReadsEgressAndStoredBytes() throws Exception {
    byte[] replicated = bytes(100_000, 1);
    byte[] homeOnly = bytes(50_000, 2);
    east.putObject(b -> b.bucket("everywhere").key("a.bin"), RequestBody.fromBytes(replicated));
    east.putObject(b -> b.bucket("home-only").key("b.bin"), RequestBody.fromBytes(homeOnly));
    await(
        "the replica in west",
        () ->
            value(scrape(), "skyrelay_gateway_replicas_pending") == 0.0
                && value(
                        scrape(),
                        "skyrelay_gateway_egress_bytes_total",
                        "from",
                        EAST,
                        "to",
                        WEST,
                        "cause",
                        "replication")
                    == replicated.length);

    // A remote read (pull-evict keeps the only copy in east) and a hit (west has its replica).
    assertArrayEquals(
        homeOnly, west.getObjectAsBytes(b -> b.bucket("home-only").key("b.bin")).asByteArray());
    assertArrayEquals(
        replicated, west.getObjectAsBytes(b -> b.bucket("everywhere").key("a.bin")).asByteArray());
    assertThrows(
        NoSuchKeyException.class, () -> west.getObject(b -> b.bucket("everywhere").key("nope")));

    Map<String, Double> m = scrape();
    assertEquals(
        2.0,
        value(
            m,
            "skyrelay_gateway_requests_total",
            "region",
            EAST,
            "operation",
            "PutObject",
            "status",
            "200"));
    assertEquals(
        1.0,
        value(
            m,
            "skyrelay_gateway_requests_total",
            "region",
            WEST,
            "operation",
            "GetObject",
            "status",
            "404"));
    assertEquals(
        1.0,
        value(
            m,
            "skyrelay_gateway_reads_total",
            "region",
            WEST,
            "served_from",
            EAST,
            "kind",
            "remote"));
    assertEquals(
        1.0,
        value(
            m, "skyrelay_gateway_reads_total", "region", WEST, "served_from", WEST, "kind", "hit"));
    assertEquals(
        (double) homeOnly.length,
        value(m, "skyrelay_gateway_egress_bytes_total", "from", EAST, "to", WEST, "cause", "read"));
    assertTrue(
        value(m, "skyrelay_gateway_received_bytes_total", "region", EAST)
            >= replicated.length + homeOnly.length,
        "bytes received through east: " + m);
    assertTrue(
        value(m, "skyrelay_gateway_sent_bytes_total", "region", WEST)
            >= replicated.length + homeOnly.length,
        "bytes sent through west: " + m);
    assertEquals(
        (double) replicated.length + homeOnly.length,
        value(m, "skyrelay_gateway_stored_bytes", "region", EAST));
    assertEquals(
        (double) replicated.length, value(m, "skyrelay_gateway_stored_bytes", "region", WEST));
    assertEquals(2.0, value(m, "skyrelay_gateway_stored_objects", "region", EAST));
    assertTrue(
        value(m, "skyrelay_gateway_request_seconds_count", "region", WEST, "operation", "GetObject")
            >= 3.0);
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; metrics: " + scrape());
      }
      Thread.sleep(20);
    }
  }

  /** The samples of the text exposition, by {@code name{labels}} as Prometheus prints them. */
  static Map<String, Double> scrape() {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      Map<String, Double> out = new HashMap<>();
      for (String line : r.body().split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("cannot scrape " + metrics + ": " + e, e);
    }
  }

  /**
   * One sample, labels given as name, value pairs in any order (the exposition sorts them by name);
   * absent samples are 0, as a counter not yet incremented is.
   */
  static double value(Map<String, Double> samples, String name, String... labels) {
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    StringBuilder key = new StringBuilder(name);
    if (!sorted.isEmpty()) {
      key.append('{');
      sorted.forEach(
          (k, v) ->
              key.append(key.charAt(key.length() - 1) == '{' ? "" : ",")
                  .append(k)
                  .append("=\"")
                  .append(v)
                  .append('"'));
      key.append('}');
    }
    return samples.getOrDefault(key.toString(), 0.0);
  }
}
