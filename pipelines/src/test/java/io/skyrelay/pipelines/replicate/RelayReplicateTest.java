package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication through relay stores: three S3Proxy endpoints labelled as regions, the job routed by
 * the planner through a relay, the bytes verified at the destination and the staging area empty.
 */
class RelayReplicateTest {

  static final String SRC = "aws:us-west-2";
  static final String RELAY = "azure:westus2";
  static final String DST = "gcp:asia-south2-a";

  static S3ProxyServer source;
  static S3ProxyServer relay;
  static S3ProxyServer destination;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    source = S3ProxyServer.startInMemory();
    relay = S3ProxyServer.startInMemory();
    destination = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() {
    source.close();
    relay.close();
    destination.close();
  }

  static String bucket(S3ProxyServer server) {
    String name = "r" + System.nanoTime() % 1_000_000_000L;
    server.createBucket(name);
    return name;
  }

  Path stores(Map<String, S3ProxyServer> buckets, Map<String, String> regions) throws IOException {
    StringBuilder y = new StringBuilder("stores:\n");
    buckets.forEach(
        (bucket, server) ->
            y.append("  - uri: s3://")
                .append(bucket)
                .append("\n    region: ")
                .append(regions.get(bucket))
                .append("\n    endpoint: ")
                .append(server.endpoint())
                .append("\n    region-name: us-east-1\n    access-key-id: ")
                .append(S3ProxyServer.ACCESS_KEY)
                .append("\n    secret-access-key: ")
                .append(S3ProxyServer.SECRET_KEY)
                .append("\n"));
    Path f = tmp.resolve("stores-" + System.nanoTime() + ".yaml");
    Files.writeString(f, y.toString());
    return f;
  }

  int run(String... args) {
    return SkyrelayCli.commandLine().execute(args);
  }

  JsonNode report(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("report.json").toFile());
  }

  static List<String> keys(ObjectStore s, String prefix) {
    List<String> keys = new ArrayList<>();
    s.listAll(prefix).forEach(o -> keys.add(o.key()));
    return keys;
  }

  @Test
  void chunksAndObjectsTravelThroughTheRelayStoreAndArriveIntact() throws Exception {
    String a = bucket(source);
    String r = bucket(relay);
    String b = bucket(destination);
    Map<String, byte[]> data;
    try (ObjectStore src = ReplicateCommandTest.open("s3://" + a, source)) {
      data = ReplicateCommandTest.fill(src, "", 12, 1, 21);
    }
    Path stores =
        stores(Map.of(a, source, r, relay, b, destination), Map.of(a, SRC, r, RELAY, b, DST));
    Path out = tmp.resolve("out");
    int code =
        run(
            "replicate",
            "s3://" + a,
            "s3://" + b + "/copy/",
            "--stores",
            stores.toString(),
            "--relay",
            RELAY + "=s3://" + r + "/staging",
            "--objective",
            "fastest",
            "--chunk-size",
            "5MiB",
            "--runner",
            "direct",
            "--output",
            out.toString());
    assertEquals(0, code);
    try (ObjectStore dst = ReplicateCommandTest.open("s3://" + b, destination);
        ObjectStore rel = ReplicateCommandTest.open("s3://" + r, relay)) {
      ReplicateCommandTest.assertSameObjects(data, dst, "copy/");
      assertEquals(List.of(), keys(rel, ""), "staged copies are deleted after the next hop");
      assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""));
    }
    JsonNode d = report(out).get("destinations").get(0);
    long total = data.values().stream().mapToLong(v -> v.length).sum();
    assertEquals(total, d.get("copiedBytes").asLong());
    // The plan for this pair sends every byte through the relay.
    assertEquals(total, d.get("relayedBytes").get(RELAY).asLong(), d.toString());
    assertEquals(0, d.get("relayFallbacks").asLong());
  }

  @Test
  void aSplitPlanSendsBytesOnBothPathsInItsShares() throws Exception {
    String a = bucket(source);
    String r = bucket(relay);
    String b = bucket(destination);
    Map<String, byte[]> data;
    try (ObjectStore src = ReplicateCommandTest.open("s3://" + a, source)) {
      data = ReplicateCommandTest.fill(src, "", 40, 0, 22);
    }
    // Half direct, half through the relay, as a plan file.
    Plan planned = new RoutePlanner(RegionData.bundled()).plan(SRC, DST, Objective.fastest());
    Plan half =
        new Plan(
            SRC,
            DST,
            planned.objective(),
            planned.settings(),
            List.of(
                new Plan.Path(List.of(SRC, DST), 0.5, 0.095, 0.09, List.of(64)),
                new Plan.Path(List.of(SRC, RELAY, DST), 0.5, 0.095, 0.1775, List.of(2, 2))),
            0.19,
            0.13375,
            planned.workers(),
            planned.direct(),
            1);
    Path planFile = tmp.resolve("plan.json");
    Files.writeString(planFile, half.toJson());
    Path stores =
        stores(Map.of(a, source, r, relay, b, destination), Map.of(a, SRC, r, RELAY, b, DST));
    Path out = tmp.resolve("out");
    assertEquals(
        0,
        run(
            "replicate",
            "s3://" + a,
            "s3://" + b,
            "--stores",
            stores.toString(),
            "--relay",
            RELAY + "=s3://" + r,
            "--plan",
            planFile.toString(),
            "--runner",
            "direct",
            "--output",
            out.toString()));
    try (ObjectStore dst = ReplicateCommandTest.open("s3://" + b, destination)) {
      ReplicateCommandTest.assertSameObjects(data, dst, "");
    }
    JsonNode d = report(out).get("destinations").get(0);
    double relayed = d.get("relayedBytes").get(RELAY).asDouble() / d.get("copiedBytes").asDouble();
    assertTrue(relayed > 0.3 && relayed < 0.7, "share through the relay " + relayed);
    // Relayed bytes pay both hops (0.09 + 0.0875 $/GB in the bundled data), the rest the direct
    // price (0.09 $/GB).
    long viaRelay = d.get("relayedBytes").get(RELAY).asLong();
    long direct = d.get("copiedBytes").asLong() - viaRelay;
    assertEquals(
        direct / 1e9 * 0.09 + viaRelay / 1e9 * (0.09 + 0.0875),
        d.get("egressUsd").asDouble(),
        1e-12,
        d.toString());
  }

  @Test
  void whenTheRelayFailsTheRestGoesDirectAndIsReported() throws Exception {
    String a = bucket(source);
    String b = bucket(destination);
    Map<String, byte[]> data;
    try (ObjectStore src = ReplicateCommandTest.open("s3://" + a, source)) {
      data = ReplicateCommandTest.fill(src, "", 4, 1, 23);
    }
    // The relay store's bucket does not exist: every hop into it fails.
    String missing = "no-such-relay-bucket";
    Path stores =
        stores(
            Map.of(a, source, missing, relay, b, destination),
            Map.of(a, SRC, missing, RELAY, b, DST));
    Path out = tmp.resolve("out");
    assertEquals(
        0,
        run(
            "replicate",
            "s3://" + a,
            "s3://" + b,
            "--stores",
            stores.toString(),
            "--relay",
            RELAY + "=s3://" + missing,
            "--chunk-size",
            "5MiB",
            "--runner",
            "direct",
            "--output",
            out.toString()));
    try (ObjectStore dst = ReplicateCommandTest.open("s3://" + b, destination)) {
      ReplicateCommandTest.assertSameObjects(data, dst, "");
    }
    JsonNode d = report(out).get("destinations").get(0);
    assertTrue(d.get("relayFallbacks").asLong() >= 5, d.toString());
    assertEquals(0, d.get("failed").asLong());
  }

  @Test
  void aPlanThroughARegionWithoutARelayStoreIsRefused() throws Exception {
    Plan plan = new RoutePlanner(RegionData.bundled()).plan(SRC, DST, Objective.fastest());
    Path planFile = tmp.resolve("plan.json");
    Files.writeString(planFile, plan.toJson());
    String a = bucket(source);
    String b = bucket(destination);
    Path stores = stores(Map.of(a, source, b, destination), Map.of(a, SRC, b, DST));
    assertEquals(
        ExitStatus.USAGE,
        run(
            "replicate",
            "s3://" + a,
            "s3://" + b,
            "--stores",
            stores.toString(),
            "--plan",
            planFile.toString(),
            "--runner",
            "direct",
            "--output",
            tmp.resolve("o").toString()));
  }
}
