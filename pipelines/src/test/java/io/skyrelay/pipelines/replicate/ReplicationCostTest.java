package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress cost {@code skyrelay replicate} reports (report.json, and the estimate of a dry run):
 * priced with the job's own region data ({@code --regions}), each route's bytes paying every hop
 * they took. Local folders labelled as regions stand for the stores.
 */
class ReplicationCostTest {

  static final String SRC = "aws:us-west-2";
  static final String R1 = "azure:westus2";
  static final String R2 = "gcp:us-west1-a";
  static final String DST = "gcp:asia-south2-a";

  // Per GB, unlike the bundled prices (direct 0.09; via R1 0.09 + 0.0875).
  static final double DIRECT = 0.5;
  static final double TO_R1 = 0.02;
  static final double R1_TO_DST = 0.03;
  static final double R1_TO_R2 = 0.07;
  static final double R2_TO_DST = 0.11;

  @TempDir Path tmp;
  Path regions;
  Path source;
  long total;

  @BeforeEach
  void setUp() throws Exception {
    regions = Files.createDirectories(tmp.resolve("regions"));
    Files.writeString(
        regions.resolve("egress.csv"),
        String.join(
            "\n",
            "src,dst,usd_per_gb",
            SRC + "," + DST + "," + DIRECT,
            SRC + "," + R1 + "," + TO_R1,
            R1 + "," + DST + "," + R1_TO_DST,
            R1 + "," + R2 + "," + R1_TO_R2,
            R2 + "," + DST + "," + R2_TO_DST,
            ""));
    // The direct link is slow, the links through R1 fast: the fastest plan sends all through R1.
    Files.writeString(
        regions.resolve("throughput.csv"),
        String.join(
            "\n",
            "src,dst,gbps",
            SRC + "," + DST + ",1",
            SRC + "," + R1 + ",5",
            R1 + "," + DST + ",5",
            R1 + "," + R2 + ",5",
            R2 + "," + DST + ",5",
            ""));
    source = tmp.resolve("src");
    try (ObjectStore s = ObjectStores.open(source.toUri().toString(), StoreSettings.EMPTY)) {
      Map<String, byte[]> data = ReplicateCommandTest.fill(s, "", 10, 0, 31);
      total = data.values().stream().mapToLong(v -> v.length).sum();
    }
  }

  int replicate(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                source.toUri().toString(),
                tmp.resolve("dst-" + out.getFileName()).toUri().toString(),
                "--source-region",
                SRC,
                "--dest-region",
                DST,
                "--regions",
                regions.toString(),
                "--runner",
                "direct",
                "--output",
                out.toString()));
    args.addAll(List.of(more));
    return SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
  }

  static JsonNode destination(Path out) throws IOException {
    return new ObjectMapper()
        .readTree(out.resolve("report.json").toFile())
        .get("destinations")
        .get(0);
  }

  @Test
  void theReportAndTheDryRunPriceBytesWithTheRegionsFileOfTheJob() throws Exception {
    Path dry = tmp.resolve("dry");
    assertEquals(0, replicate(dry, "--dry-run"));
    JsonNode planned = destination(dry);
    assertEquals(total, planned.get("copiedBytes").asLong());
    assertEquals(total / 1e9 * DIRECT, planned.get("egressUsd").asDouble(), 1e-12);

    Path run = tmp.resolve("run");
    assertEquals(0, replicate(run));
    JsonNode copied = destination(run);
    assertEquals(total, copied.get("copiedBytes").asLong());
    assertEquals(total / 1e9 * DIRECT, copied.get("egressUsd").asDouble(), 1e-12);
  }

  @Test
  void bytesRelayedThroughOneRegionPayBothHops() throws Exception {
    String relay = R1 + "=" + tmp.resolve("relay1").toUri();
    Path dry = tmp.resolve("dry");
    assertEquals(0, replicate(dry, "--relay", relay, "--objective", "fastest", "--dry-run"));
    assertEquals(
        total / 1e9 * (TO_R1 + R1_TO_DST), destination(dry).get("egressUsd").asDouble(), 1e-12);

    Path run = tmp.resolve("run");
    assertEquals(0, replicate(run, "--relay", relay, "--objective", "fastest"));
    JsonNode d = destination(run);
    // The plan sends every byte through R1; a unit whose relay hop failed went direct instead
    // (relayFallbacks) and pays the direct price.
    long viaRelay = d.get("relayedBytes").get(R1).asLong();
    assertTrue(viaRelay > 0, d.toString());
    assertEquals(
        (total - viaRelay) / 1e9 * DIRECT + viaRelay / 1e9 * (TO_R1 + R1_TO_DST),
        d.get("egressUsd").asDouble(),
        1e-12,
        d.toString());
  }

  @Test
  void aSplitPlanThroughTwoRelaysPaysEachRouteItsHops() throws Exception {
    Plan planned =
        new RoutePlanner(RegionData.fromDirectory(regions)).plan(SRC, DST, Objective.fastest());
    Plan split =
        new Plan(
            SRC,
            DST,
            planned.objective(),
            planned.settings(),
            List.of(
                new Plan.Path(List.of(SRC, DST), 0.5, 1, DIRECT, List.of(64)),
                new Plan.Path(
                    List.of(SRC, R1, R2, DST),
                    0.5,
                    1,
                    TO_R1 + R1_TO_R2 + R2_TO_DST,
                    List.of(13, 13, 13))),
            2,
            (DIRECT + TO_R1 + R1_TO_R2 + R2_TO_DST) / 2,
            planned.workers(),
            planned.direct(),
            1);
    Path planFile = tmp.resolve("plan.json");
    Files.writeString(planFile, split.toJson());
    Path run = tmp.resolve("run");
    assertEquals(
        0,
        replicate(
            run,
            "--relay",
            R1 + "=" + tmp.resolve("relay1").toUri(),
            "--relay",
            R2 + "=" + tmp.resolve("relay2").toUri(),
            "--plan",
            planFile.toString()));
    JsonNode d = destination(run);
    long viaRelays = d.get("relayedBytes").get(R1 + "+" + R2).asLong();
    long direct = total - viaRelays;
    double expected = direct / 1e9 * DIRECT + viaRelays / 1e9 * (TO_R1 + R1_TO_R2 + R2_TO_DST);
    assertEquals(expected, d.get("egressUsd").asDouble(), 1e-12, d.toString());
    // Both routes carried bytes, so the sum above checks both prices.
    assertTrue(viaRelays > 0 && direct > 0, d.toString());
  }
}
