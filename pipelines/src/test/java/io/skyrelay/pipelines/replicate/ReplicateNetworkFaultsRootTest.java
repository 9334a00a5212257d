package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.faults.LabS3Server;
import io.skyrelay.connectors.faults.NetworkLab;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} over a real link with real faults. The source, an S3Proxy server, runs
 * in a network namespace of its own ({@link NetworkLab}), reached over a veth pair; the job runs in
 * this process's namespace and copies to local disk. Faults act on the link in the kernel: a rate
 * cap ({@code tc tbf}), 1% random packet loss and connection resets ({@code nftables}), and a 10-s
 * cut in the middle of a copy of many small objects and a large one. The job ends with every object
 * copied and none extra, checked by bytes and with {@code rclone check}. Needs root, iproute2 and
 * nftables (skipped with the reason otherwise; CI runs as root).
 */
class ReplicateNetworkFaultsRootTest {

  static NetworkLab lab;
  static Process server;
  static String endpoint;
  static Map<String, byte[]> data;

  @TempDir Path tmp;

  @BeforeAll
  static void startLab() throws Exception {
    Optional<String> why = NetworkLab.unavailable();
    assumeTrue(why.isEmpty(), () -> "no network lab: " + why.orElse(""));
    lab = NetworkLab.create();
    server =
        lab.start(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LabS3Server.class.getName(),
                lab.labAddress()));
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null && !line.equals("READY"); ) {
      if (line.startsWith("ENDPOINT ")) {
        endpoint = line.substring("ENDPOINT ".length());
      }
    }
    assertTrue(endpoint != null && server.isAlive(), "the lab's S3Proxy did not start");
    try (ObjectStore src = ObjectStores.open("s3://src", settings())) {
      try (var c =
          software.amazon.awssdk.services.s3.S3Client.builder()
              .endpointOverride(java.net.URI.create(endpoint))
              .forcePathStyle(true)
              .region(software.amazon.awssdk.regions.Region.US_EAST_1)
              .credentialsProvider(
                  software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                      software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                          S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
              .build()) {
        c.createBucket(b -> b.bucket("src"));
      }
      data = ReplicateCommandTest.fill(src, "", 120, 1, 31);
    }
  }

  @AfterAll
  static void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  static StoreSettings settings() {
    return StoreSettings.of(
        Map.of(
            "endpoint",
            endpoint,
            "region",
            "us-east-1",
            "access-key-id",
            S3ProxyServer.ACCESS_KEY,
            "secret-access-key",
            S3ProxyServer.SECRET_KEY));
  }

  Path stores() throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(
        f,
        "stores:\n  - uri: s3://src\n    endpoint: "
            + endpoint
            + "\n    region-name: us-east-1\n    access-key-id: "
            + S3ProxyServer.ACCESS_KEY
            + "\n    secret-access-key: "
            + S3ProxyServer.SECRET_KEY
            + "\n");
    return f;
  }

  /** Starts the job copying the lab's bucket to {@code dst}; its exit status when done. */
  CompletableFuture<Integer> replicate(Path dst, String out) throws Exception {
    Path stores = stores();
    return CompletableFuture.supplyAsync(
        () ->
            SkyrelayCli.commandLine()
                .execute(
                    "replicate",
                    "s3://src",
                    dst.toUri().toString(),
                    "--stores",
                    stores.toString(),
                    "--chunk-size",
                    "5MiB",
                    "--runner",
                    "direct",
                    "--output",
                    tmp.resolve(out).toString()));
  }

  JsonNode report(String out) throws Exception {
    return new ObjectMapper().readTree(tmp.resolve(out).resolve("report.json").toFile());
  }

  /** Every object arrived with its bytes, nothing extra, nothing temporary left; rclone agrees. */
  void assertComplete(Path dst) throws Exception {
    try (ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
      ReplicateCommandTest.assertSameObjects(data, d, "");
    }
    ReplicateDiskFullRootTest.assertNoTemporaryFiles(dst);
    List<String> rclone =
        new ArrayList<>(
            List.of(
                "rclone",
                "check",
                ":s3:src",
                dst.toString(),
                "--exclude",
                ".skyrelay/**",
                "--s3-provider",
                "Other",
                "--s3-endpoint",
                endpoint,
                "--s3-access-key-id",
                S3ProxyServer.ACCESS_KEY,
                "--s3-secret-access-key",
                S3ProxyServer.SECRET_KEY,
                "--s3-region",
                "us-east-1"));
    ProcessBuilder pb = new ProcessBuilder(rclone).redirectErrorStream(true);
    pb.environment().remove("AWS_CA_BUNDLE");
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rclone check did not finish");
    assertEquals(0, p.exitValue(), "rclone check: " + said);
    assertTrue(said.contains(data.size() + " matching files"), said);
  }

  @Test
  void aRateCapPacketLossAndResetsSlowTheCopyButEveryObjectArrives() throws Exception {
    int port = java.net.URI.create(endpoint).getPort();
    lab.rateCap("80mbit");
    lab.loss(1);
    lab.resets(port, 200, 3);
    try {
      Path dst = tmp.resolve("dst");
      int status = replicate(dst, "o").get(5, TimeUnit.MINUTES);
      JsonNode r = report("o");
      assertEquals(0, status, "exit status; report: " + r);
      assertEquals(data.size(), r.get("copied").asLong());
      assertComplete(dst);
      System.out.printf(
          Locale.ROOT,
          "link faults (80 Mbit/s cap, 1%% loss, up to 3 resets): %d objects in %.1f s, %d"
              + " retries%n%s%n",
          data.size(),
          r.get("seconds").asDouble(),
          r.get("retries").asLong(),
          lab.rules());
    } finally {
      lab.heal();
    }
  }

  @Test
  void aTenSecondCutInTheMiddleOfTheCopyIsRiddenOutAndEveryObjectArrives() throws Exception {
    lab.rateCap("40mbit"); // about 5 MB/s: the copy of 13 MB takes a few seconds
    try {
      Path dst = tmp.resolve("dst");
      long before = lab.bytesFromLab();
      CompletableFuture<Integer> job = replicate(dst, "o");
      // Cut when half the bytes have come over the link.
      long half = data.values().stream().mapToLong(b -> b.length).sum() / 2;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (lab.bytesFromLab() - before < half && !job.isDone()) {
        assertTrue(System.nanoTime() < deadline, "the copy did not get half way");
        Thread.sleep(5); // polling the link's byte counter
      }
      assertTrue(!job.isDone(), "the copy ended before the cut");
      lab.cut();
      long cutAt = System.nanoTime();
      Thread.sleep(10_000); // the cut itself: ten seconds without a link
      lab.restore();
      int status = job.get(5, TimeUnit.MINUTES);
      double recovered = (System.nanoTime() - cutAt) / 1e9 - 10;
      JsonNode r = report("o");
      assertEquals(0, status, "exit status; report: " + r);
      assertEquals(data.size(), r.get("copied").asLong());
      assertComplete(dst);
      System.out.printf(
          Locale.ROOT,
          "10-s cut mid-copy: %d objects in %.1f s, job done %.1f s after the link came back, %d"
              + " retries%n",
          data.size(),
          r.get("seconds").asDouble(),
          recovered,
          r.get("retries").asLong());
    } finally {
      lab.restore();
      lab.heal();
    }
  }
}
